"""The offline responder of this process (one per embedder: it caches its calibration vectors)."""

from __future__ import annotations

from agentplatform.ai.local_embedder import aget_local_embedder
from agentplatform.ai.offline_responder import OfflineResponder
from agentplatform.core.settings import Settings

_responders: dict[int, OfflineResponder] = {}


async def offline_responder(settings: Settings) -> OfflineResponder:
    embedder = await aget_local_embedder(settings.local_embedding_model_path)
    key = id(embedder)
    if key not in _responders:
        _responders[key] = OfflineResponder(embedder)
    return _responders[key]
