"""`POST /v1/embeddings` of the OpenAI simulator, and the feature-hashed vectors it returns.

Each lower-cased word is hashed (SHAKE-256) to a vector and the sum is L2-normalised. The result
is deterministic (see `embedding_vector`), and texts that share words point in similar directions,
so retrieval tests rank sensibly. Texts with the same multiset of words get the same vector; a
text with no word characters is hashed whole. `encoding_format` may be float or base64 (float32).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from starlette.responses import JSONResponse, Response

from tests.simulators.openai_wire import (
    count_tokens,
    error_response,
    missing_model,
    response_headers,
    unknown_model,
    unparsable_body,
)

DEFAULT_EMBEDDING_DIMENSIONS = 1536
MAX_EMBEDDING_INPUTS = 2048

_WORD_RE = re.compile(r"\w+")


@functools.lru_cache(maxsize=65_536)
def _feature_vector(feature: str, dimensions: int) -> npt.NDArray[np.float64]:
    raw = hashlib.shake_256(f"{dimensions}:{feature}".encode()).digest(4 * dimensions)
    vector = np.frombuffer(raw, dtype="<u4").astype(np.float64) / 2**31 - 1.0
    vector.setflags(write=False)
    return vector


def embedding_vector(text: str, dimensions: int = DEFAULT_EMBEDDING_DIMENSIONS) -> list[float]:
    """The unit vector the simulator returns for `text` (as float64; base64 carries float32)."""
    features = _WORD_RE.findall(text.lower()) or [f"\0{text}"]
    total = np.zeros(dimensions, dtype=np.float64)
    for feature in features:
        total += _feature_vector(feature, dimensions)
    norm = float(np.linalg.norm(total))
    if norm == 0.0:  # pragma: no cover - cancelling hashes are astronomically unlikely
        total = _feature_vector(f"\0{text}", dimensions).copy()
        norm = float(np.linalg.norm(total))
    unit: list[float] = (total / norm).tolist()
    return unit


def embedding_inputs(raw: Any) -> list[str] | None:
    """The inputs as texts (token arrays are hashed as their numbers), or None if invalid."""
    items: list[Any]
    one_token_array = isinstance(raw, list) and raw and all(isinstance(x, int) for x in raw)
    if isinstance(raw, str) or one_token_array:
        items = [raw]
    elif isinstance(raw, list) and raw:
        items = raw
    else:
        return None
    texts = []
    for item in items:
        if isinstance(item, str) and item:
            texts.append(item)
        elif isinstance(item, list) and item and all(isinstance(x, int) for x in item):
            texts.append(" ".join(str(x) for x in item))
        else:
            return None
    return texts


def embeddings_response(body: Any, *, models: Sequence[str], default_dimensions: int) -> Response:
    """Answer an embeddings request body (`dimensions` defaults to `default_dimensions`)."""
    if not isinstance(body, dict):
        return unparsable_body()
    model = body.get("model")
    if not isinstance(model, str) or not model:
        return missing_model()
    texts = embedding_inputs(body.get("input"))
    if texts is None:
        return error_response(
            400,
            "'$.input' is invalid. Please check the API reference: "
            "https://platform.openai.com/docs/api-reference.",
            param="input",
        )
    if len(texts) > MAX_EMBEDDING_INPUTS:
        return error_response(
            400,
            f"'$.input' is invalid: at most {MAX_EMBEDDING_INPUTS} inputs per request.",
            param="input",
        )
    if model not in models:
        return unknown_model(model)
    dimensions = body.get("dimensions") or default_dimensions
    if not isinstance(dimensions, int) or dimensions < 1:
        return error_response(400, "Invalid 'dimensions'.", param="dimensions")
    encoding = body.get("encoding_format") or "float"
    if encoding not in ("float", "base64"):
        return error_response(400, "Invalid 'encoding_format'.", param="encoding_format")
    data = []
    for index, text in enumerate(texts):
        vector = embedding_vector(text, dimensions)
        embedding: Any = vector
        if encoding == "base64":
            packed = np.asarray(vector, dtype="<f4").tobytes()
            embedding = base64.b64encode(packed).decode()
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    tokens = sum(max(1, count_tokens(t)) for t in texts)
    return JSONResponse(
        {
            "object": "list",
            "data": data,
            "model": model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        },
        headers=response_headers(),
    )
