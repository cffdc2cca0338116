"""Text PostgreSQL cannot store (the rule: `core.text.storable`) refused wherever a person sends
it, with a 422 naming the field:

- request bodies: every `InputModel` checks every string it receives (`core.schemas`);
- path and query parameters and form fields, uploaded file names included:
  `refuse_unstorable_input`, a dependency of every API route (`main.py`).

Text read from a file (parsing) cannot be sent again, so it is stripped instead.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.routing import APIRoute
from pydantic import BaseModel, SecretBytes, SecretStr
from starlette.datastructures import UploadFile

from agentplatform.core.errors import FieldError, ValidationFailed
from agentplatform.core.text.storable import strip_unstorable, unstorable_reason

CODE = "string_unstorable"

Path = tuple[str | int, ...]


def find_unstorable(value: object, path: Path = ()) -> tuple[Path, str] | None:
    """The first string inside `value` (strings, lists, dicts and their keys, models, secrets)
    that cannot be stored: where it is below `value`, and why."""
    if isinstance(value, str):
        reason = unstorable_reason(value)
        return None if reason is None else (path, reason)
    if isinstance(value, SecretStr | SecretBytes):
        secret = value.get_secret_value()
        return find_unstorable(secret, path) if isinstance(secret, str) else None
    if isinstance(value, BaseModel):
        return find_unstorable(
            {name: getattr(value, name) for name in type(value).model_fields}, path
        )
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = find_unstorable(key, path) or find_unstorable(item, (*path, str(key)))
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            found = find_unstorable(item, (*path, index))
            if found is not None:
                return found
    return None


def describe(path: Path, reason: str) -> str:
    """The message of a field error: the reason, and where below the field if it is nested."""
    return f"{reason} (at {'.'.join(str(part) for part in path)})" if path else reason


def _error(loc: list[str | int], reason: str) -> FieldError:
    return FieldError(field=".".join(str(p) for p in loc), loc=loc, message=reason, code=CODE)


def _is_form(request: Request) -> bool:
    route = request.scope.get("route")
    content_type = request.headers.get("content-type", "")
    return (
        isinstance(route, APIRoute)
        and route.body_field is not None
        and content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded"))
    )


async def refuse_unstorable_input(request: Request) -> None:
    """A 422 naming each path or query parameter and form field (an uploaded file's name
    included) whose text cannot be stored. JSON bodies are checked by `InputModel`."""
    errors: list[FieldError] = []
    for name, value in request.path_params.items():
        if isinstance(value, str) and (reason := unstorable_reason(value)):
            errors.append(_error(["path", name], reason))
    for name, value in request.query_params.multi_items():
        if reason := unstorable_reason(name) or unstorable_reason(value):
            errors.append(_error(["query", strip_unstorable(name)], reason))
    if _is_form(request):
        form = await request.form()  # FastAPI has read it already; this is its cached copy
        for name, item in form.multi_items():
            if reason := unstorable_reason(name):
                errors.append(_error(["body", strip_unstorable(name)], reason))
            elif isinstance(item, UploadFile):
                if item.filename and (reason := unstorable_reason(item.filename)):
                    errors.append(_error(["body", name, "filename"], reason))
            elif reason := unstorable_reason(item):
                errors.append(_error(["body", name], reason))
    if errors:
        raise ValidationFailed(f"{len(errors)} invalid field(s)", errors=errors)
