"""Embedding texts, with a provider's model or the local one: the one path every caller takes.

`embed` only embeds; `embed_and_record` also checks a provider's tokens against the workspace's
budget first and books the call to the workspace afterwards (the local model's calls are booked
too, as work that costs nothing). A caller that embeds in batches and books the whole work once
(indexing a document) uses `embed` and then `usage.record` with the summed `Metered`.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.ai import llm, usage
from agentplatform.ai.llm import ProviderConfig
from agentplatform.ai.local_embedder import aget_local_embedder
from agentplatform.ai.models import UsageOperation
from agentplatform.ai.usage import Metered
from agentplatform.core.settings import Settings

LOCAL_PROVIDER = "local"
# A turn embeds its message twice with the local model (knowledge search, memory recall): single
# texts are kept per process, so the second costs nothing. Batches (indexing) are never kept.
QUERY_CACHE_SIZE = 256
_query_vectors: OrderedDict[tuple[int, str, str], list[float]] = OrderedDict()


@dataclass(frozen=True)
class Embedded:
    vectors: list[list[float]]  # in the order of the texts
    call: Metered


async def embed(
    settings: Settings,
    config: ProviderConfig | None,
    model: str,
    texts: Sequence[str],
    *,
    dimensions: int | None = None,
) -> Embedded:
    """Vectors for `texts` from `config`'s `model`, or from the local model when `config` is None
    (whose size is fixed: `dimensions` applies to providers)."""
    started = time.perf_counter()
    if config is None:
        if not texts:
            return Embedded([], Metered(LOCAL_PROVIDER, model, 0))
        local = await aget_local_embedder(settings.local_embedding_model_path)
        key = (id(local), model, texts[0])
        if len(texts) == 1 and key in _query_vectors:
            _query_vectors.move_to_end(key)
            return Embedded([list(_query_vectors[key])], Metered(LOCAL_PROVIDER, model, 0))
        vectors = (await local.aembed(texts)).tolist()
        if len(texts) == 1:
            _query_vectors[key] = list(vectors[0])
            while len(_query_vectors) > QUERY_CACHE_SIZE:
                _query_vectors.popitem(last=False)
        elapsed = int((time.perf_counter() - started) * 1000)
        return Embedded(
            vectors,
            Metered(LOCAL_PROVIDER, model, sum(local.count_tokens(texts)), latency_ms=elapsed),
        )
    if not texts:
        return Embedded([], Metered(config.name, model, 0))
    result = await llm.embed(config, model=model, texts=texts, dimensions=dimensions)
    return Embedded(
        result.vectors,
        Metered(config.name, model, result.tokens_in, latency_ms=result.latency_ms),
    )


async def embed_and_record(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    config: ProviderConfig | None,
    model: str,
    texts: Sequence[str],
    *,
    dimensions: int | None = None,
    agent_id: uuid.UUID | None = None,
) -> Embedded:
    if config is not None:
        await usage.check_budget(session, tenant_id)
    embedded = await embed(settings, config, model, texts, dimensions=dimensions)
    await usage.record(
        session, tenant_id, UsageOperation.embedding, embedded.call, agent_id=agent_id
    )
    return embedded
