"""Moving a tenant's knowledge to another embedding model without a moment of worse search.

The new vectors are written beside the old ones (`chunk.pending_embedding`) in batches, while
search keeps using `chunk.embedding` and the active model. When every chunk has its new vector,
one transaction moves them into `embedding` and makes the target model the active one; search
sees either the whole old index or the whole new one. Chunks that appear or change meanwhile
(new documents, reindexing, edits) have no pending vector and are picked up before the switch:
the switch re-counts them under the index row's exclusive lock, which every writer of
`embedding` share-locks (`embedding.locked_index`).

A failed move leaves the active model serving and says why (`last_error`); passing provider
errors are retried by the job.

What is embedded is what indexing embeds (`headers.contextual_text`): each chunk's text, under
its document's title when `Settings.knowledge_title_in_vectors` is on. Chunks indexed before the
setting was turned on (or before chunks carried their title, migration 0020) get the header this
way: a rebuild with the same model (`rebuild`, `POST .../knowledge/index/rebuild`) re-embeds them
all. Such chunks were sized without room for the header, so the local model (which reads 256
tokens) may miss the last few tokens of a full one; indexing a document again
(`.../collections/{id}/reindex`) also re-chunks it with that room.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.ai.provider_errors import (
    ProviderError,
    ProviderRateLimited,
    ProviderTimeout,
    ProviderUnavailable,
)
from agentplatform.ai.usage import TokenBudgetExceeded
from agentplatform.core import work
from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.jobs import enqueue_after_commit
from agentplatform.core.settings import Settings
from agentplatform.core.work import WorkKind
from agentplatform.knowledge.documents.models import Document
from agentplatform.knowledge.index.embedding import (
    EmbeddingUnavailable,
    ModelRef,
    active_ref,
    configured_model,
    embedder_for,
    ensure_index,
    target_ref,
)
from agentplatform.knowledge.index.headers import contextual_text, vector_title
from agentplatform.knowledge.index.models import Chunk, IndexState, KnowledgeIndex

logger = logging.getLogger(__name__)

REEMBED_JOB = "reembed_knowledge"
TRANSIENT = (ProviderRateLimited, ProviderUnavailable, ProviderTimeout)


class Outcome:
    done = "ready"
    failed = "failed"
    skipped = "skipped"  # nothing to build, or another model was chosen meanwhile
    more = "more"  # the time slice ended; the job sends its continuation


def job_id(index: KnowledgeIndex) -> str:
    """One job per start of a move and per revival of it (arq keeps a finished job's id for an
    hour, so a fixed id would block the next move)."""
    revival = index.heartbeat_at.timestamp() if index.heartbeat_at else 0
    started = index.started_at.timestamp() if index.started_at else 0
    return f"reembed:{index.tenant_id}:{started:.6f}:{revival:.6f}"


async def _index_for_update(session: AsyncSession, tenant_id: uuid.UUID) -> KnowledgeIndex:
    await ensure_index(session, tenant_id)
    row = await session.scalar(
        select(KnowledgeIndex)
        .where(KnowledgeIndex.tenant_id == tenant_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


def _tenant_chunks(tenant_id: uuid.UUID) -> Select[Any]:
    return select(func.count()).select_from(Chunk).where(Chunk.tenant_id == tenant_id)


async def _clear_pending(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    await session.execute(
        update(Chunk)
        .where(Chunk.tenant_id == tenant_id, Chunk.pending_embedding.is_not(None))
        .values(pending_embedding=None)
    )


async def _start(session: AsyncSession, index: KnowledgeIndex, target: ModelRef) -> None:
    await _clear_pending(session, index.tenant_id)
    index.state = IndexState.building
    index.target_model = target.model
    index.target_endpoint = target.endpoint
    index.target_provider_id = target.provider_id
    index.chunks_total = await session.scalar(_tenant_chunks(index.tenant_id)) or 0
    index.chunks_done = 0
    index.attempts = 0
    index.last_error = None
    index.started_at = utcnow()
    index.finished_at = None
    index.heartbeat_at = utcnow()
    queue_build(session, index)


def queue_build(session: AsyncSession, index: KnowledgeIndex) -> None:
    enqueue_after_commit(session, REEMBED_JOB, str(index.tenant_id), job_id=job_id(index))


REEMBEDDING = WorkKind(
    name="re-embedding",
    model=KnowledgeIndex,
    key=KnowledgeIndex.tenant_id,
    status=KnowledgeIndex.state,
    queued=None,  # a move under way is always `building`; its job is sent when it starts
    running=IndexState.building,
    active=(IndexState.building,),
    failed=IndexState.failed,
    doing="re-embedding the knowledge base",
    requeue=queue_build,
)


async def _stop(session: AsyncSession, index: KnowledgeIndex) -> None:
    await _clear_pending(session, index.tenant_id)
    index.state = IndexState.ready
    index.target_model = index.target_endpoint = None
    index.target_provider_id = None
    index.last_error = None
    index.finished_at = utcnow()


async def follow_settings(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID
) -> KnowledgeIndex:
    """Starts moving to the model the AI settings choose if the index is on another one; drops a
    move whose target is no longer chosen. A failed move to the same target stays failed (it is
    retried on request, not every time the settings are read)."""
    index = await _index_for_update(session, tenant_id)
    configured = await configured_model(session, settings, tenant_id)
    target = target_ref(index)
    if configured.same_vectors(active_ref(index)):
        if target is not None:
            await _stop(session, index)
    elif target is None or not configured.same_vectors(target):
        await _start(session, index, configured)
    return index


async def rebuild(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID
) -> KnowledgeIndex:
    """Re-embeds everything with the configured model, even if it is the active one already."""
    index = await _index_for_update(session, tenant_id)
    await _start(session, index, await configured_model(session, settings, tenant_id))
    return index


# --- the job ----------------------------------------------------------------------------------


_CHUNKS = cast(Table, Chunk.__table__)
_SET_PENDING = (
    update(_CHUNKS)
    .where(
        _CHUNKS.c.id == bindparam("chunk_id"),
        _CHUNKS.c.text == bindparam("chunk_text"),
        _CHUNKS.c.document_title == bindparam("chunk_title"),
    )
    .values(pending_embedding=bindparam("vector"))
)


@dataclass(frozen=True)
class _Batch:
    ids: list[uuid.UUID]
    texts: list[str]
    titles: list[str]
    inputs: list[str]  # what is embedded: the text under its header (`headers.contextual_text`)


async def _still_building(session: AsyncSession, tenant_id: uuid.UUID, target: ModelRef) -> bool:
    index = await session.get(KnowledgeIndex, tenant_id, populate_existing=True)
    current = target_ref(index) if index is not None else None
    return (
        index is not None
        and index.state is IndexState.building
        and current is not None
        and current.same_vectors(target)
    )


async def build(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant_id: uuid.UUID,
    *,
    slice_seconds: float | None = None,
) -> str:
    """Works on the tenant's move to its target model: to the end, to a failure it records, or
    for `slice_seconds` (then `Outcome.more`: a large knowledge base is re-embedded by a chain of
    jobs, none of which holds a worker slot for hours).

    Raises on a passing provider failure after recording it, for the job to try again later.
    """
    deadline = None if slice_seconds is None else time.monotonic() + slice_seconds
    async with unit_of_work(maker, None) as session:
        index = await _index_for_update(session, tenant_id)
        target = target_ref(index)
        if index.state is not IndexState.building or target is None:
            return Outcome.skipped
        index.heartbeat_at = utcnow()
    try:
        while True:
            if not await _embed_missing(maker, settings, tenant_id, target, deadline):
                return Outcome.more
            switched = await _switch(maker, tenant_id, target)
            if switched is not None:
                return switched
    except (EmbeddingUnavailable, ProviderError, TokenBudgetExceeded) as exc:
        transient = isinstance(exc, TRANSIENT) or (
            isinstance(exc, EmbeddingUnavailable) and not exc.permanent
        )
        reason = exc.message if isinstance(exc, EmbeddingUnavailable) else str(exc)
        final = await _record_failure(
            maker, settings, tenant_id, target, reason, permanent=not transient
        )
        if final:
            return Outcome.failed
        raise


async def _embed_missing(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant_id: uuid.UUID,
    target: ModelRef,
    deadline: float | None,
) -> bool:
    """Gives every chunk without one its vector from the target model, a batch at a time (no
    transaction stays open while the model works). False if the deadline came first."""
    while True:
        if deadline is not None and time.monotonic() >= deadline:
            return False
        async with unit_of_work(maker, None) as session:
            if not await _still_building(session, tenant_id, target):
                return True
            embedder = await embedder_for(session, settings, tenant_id, target)
            rows = (
                await session.execute(
                    select(Chunk.id, Chunk.text, Chunk.document_title, Chunk.heading_path)
                    .where(Chunk.tenant_id == tenant_id, Chunk.pending_embedding.is_(None))
                    .order_by(Chunk.id)
                    .limit(settings.reembed_batch_size)
                )
            ).all()
        if not rows:
            return True
        batch = _Batch(
            [row.id for row in rows],
            [row.text for row in rows],
            [row.document_title for row in rows],
            [
                contextual_text(
                    vector_title(settings, row.document_title), row.heading_path, row.text
                )
                for row in rows
            ],
        )
        async with unit_of_work(maker, None) as session:
            vectors = await embedder.embed_and_record(session, tenant_id, batch.inputs)
            # The index row before any chunk, as every writer does (no deadlock with a change
            # of model that clears the pending vectors meanwhile).
            index = await _index_for_update(session, tenant_id)
            current = target_ref(index)
            if index.state is not IndexState.building or current is None:
                return True
            if not current.same_vectors(target):
                return True
            # A chunk edited (or its document renamed) since it was read keeps no pending
            # vector: it is read again.
            await session.execute(
                _SET_PENDING,
                [
                    {
                        "chunk_id": chunk_id,
                        "chunk_text": text,
                        "chunk_title": title,
                        "vector": vector,
                    }
                    for chunk_id, text, title, vector in zip(
                        batch.ids, batch.texts, batch.titles, vectors, strict=True
                    )
                ],
            )
            done = _tenant_chunks(tenant_id).where(Chunk.pending_embedding.is_not(None))
            index.chunks_done = await session.scalar(done) or 0
            index.chunks_total = await session.scalar(_tenant_chunks(tenant_id)) or 0
            index.heartbeat_at = utcnow()


async def _switch(
    maker: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID, target: ModelRef
) -> str | None:
    """Makes the target the active model if every chunk has its vector; None if some don't."""
    async with unit_of_work(maker, None) as session:
        index = await _index_for_update(session, tenant_id)
        current = target_ref(index)
        if index.state is not IndexState.building or current is None:
            return Outcome.skipped
        if not current.same_vectors(target):
            return Outcome.skipped
        missing = await session.scalar(
            _tenant_chunks(tenant_id).where(Chunk.pending_embedding.is_(None))
        )
        if missing:
            return None
        moved = await session.execute(
            update(Chunk)
            .where(Chunk.tenant_id == tenant_id)
            .values(embedding=Chunk.pending_embedding, pending_embedding=None)
        )
        await session.execute(
            update(Document)
            .where(Document.tenant_id == tenant_id, Document.embedding_model.is_not(None))
            .values(embedding_model=target.model)
        )
        index.model, index.endpoint, index.provider_id = (
            current.model,
            current.endpoint,
            current.provider_id,
        )
        index.target_model = index.target_endpoint = None
        index.target_provider_id = None
        index.state = IndexState.ready
        index.chunks_total = index.chunks_done = moved.rowcount  # type: ignore[attr-defined]
        index.last_error = None
        index.finished_at = utcnow()
        index.heartbeat_at = utcnow()
        logger.info(
            "knowledge re-embedded",
            extra={"tenant_id": str(tenant_id), "model": target.model, "chunks": index.chunks_done},
        )
        return Outcome.done


async def _record_failure(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant_id: uuid.UUID,
    target: ModelRef,
    reason: str,
    *,
    permanent: bool,
) -> bool:
    """Records the failure; True if the move stops here (permanent, or the last attempt)."""
    async with unit_of_work(maker, None) as session:
        if not await _still_building(session, tenant_id, target):
            return True
        index = await _index_for_update(session, tenant_id)
        index.attempts += 1
        final = permanent or not work.attempts_left(settings, index.attempts)
        if final:
            index.state = IndexState.failed
            index.finished_at = utcnow()
            index.last_error = f"{reason}; the current model keeps serving searches"
        else:
            index.last_error = work.retrying(settings, reason, index.attempts)
        index.heartbeat_at = utcnow()
        return final
