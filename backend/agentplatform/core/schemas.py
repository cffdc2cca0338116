"""Base classes for request and response models."""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidatorFunctionWrapHandler,
    field_validator,
)
from pydantic_core import PydanticCustomError

from agentplatform.core.storable import CODE, describe, find_unstorable


class InputModel(BaseModel):
    """Request bodies refuse unknown fields, so a typo is an error rather than silently ignored,
    and text PostgreSQL cannot store (NUL, lone surrogates: `core.storable`) in any field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="wrap")
    @classmethod
    def _storable(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        # A string as sent (before a URL or a secret wraps it), then what the field holds
        # (strings in lists and dicts; a nested InputModel has checked its own fields).
        if isinstance(value, str):
            _refuse(value)
        validated = handler(value)
        _refuse(validated)
        return validated


def _refuse(value: object) -> None:
    found = find_unstorable(value)
    if found is not None:
        path, reason = found
        raise PydanticCustomError(CODE, "{reason}", {"reason": describe(path, reason)})


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
