"""Wire-format pieces the OpenAI simulator's endpoints share: tokens, errors, usage, headers.

The simulator's tokenizer (`count_tokens`) splits words and punctuation marks: deterministic, not
tiktoken. Errors have OpenAI's shape `{"error": {"message", "type", "param", "code"}}`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse, Response

SYSTEM_FINGERPRINT = "fp_simulator"

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """The simulator's tokenizer: words and punctuation marks (deterministic, not tiktoken)."""
    return len(_TOKEN_RE.findall(text))


def error_response(
    status: int,
    message: str,
    *,
    type_: str = "invalid_request_error",
    code: str | None = None,
    param: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def unparsable_body() -> Response:
    return error_response(400, "We could not parse the JSON body of your request.")


def missing_model() -> Response:
    return error_response(400, "you must provide a model parameter", param="model")


def unknown_model(model: str) -> Response:
    return error_response(
        404,
        f"The model `{model}` does not exist or you do not have access to it.",
        code="model_not_found",
    )


def response_headers() -> dict[str, str]:
    """The headers OpenAI puts on every answer (a fresh request id each time)."""
    return {"x-request-id": "req_" + secrets.token_hex(16), "openai-processing-ms": "1"}


def mask_key(key: str) -> str:
    """An API key as OpenAI shows it in errors: the first 3 and last 4 characters."""
    if len(key) < 12:
        return "*" * len(key)
    return key[:3] + "*" * (len(key) - 7) + key[-4:]


def token_usage(prompt: int, completion: int) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }
