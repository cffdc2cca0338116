"""`GET /v1/models` and `GET /v1/models/{id}` of the OpenAI simulator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.responses import JSONResponse, Response

from tests.simulators.openai_wire import response_headers, unknown_model

DEFAULT_MODELS = ("gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "text-embedding-3-large")
MODEL_CREATED = 1_700_000_000


def model_object(model: str) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": MODEL_CREATED, "owned_by": "system"}


def list_models_response(models: Sequence[str]) -> Response:
    data = [model_object(m) for m in models]
    return JSONResponse({"object": "list", "data": data}, headers=response_headers())


def retrieve_model_response(model: str, models: Sequence[str]) -> Response:
    if model not in models:
        return unknown_model(model)
    return JSONResponse(model_object(model), headers=response_headers())
