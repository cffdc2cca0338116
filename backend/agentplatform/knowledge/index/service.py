"""The knowledge index as the API shows it, and reindexing many documents at once."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.scoped import scoped
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.collections_service import get_collection
from agentplatform.knowledge.documents.models import Document, DocumentStatus
from agentplatform.knowledge.documents.service import queue_indexing
from agentplatform.knowledge.index.embedding import (
    ModelRef,
    active_ref,
    configured_model,
    target_ref,
)
from agentplatform.knowledge.index.models import Chunk, IndexState, KnowledgeIndex
from agentplatform.knowledge.index.schemas import (
    EmbeddingModelRead,
    KnowledgeIndexRead,
    ReindexQueued,
)


def _model(ref: ModelRef) -> EmbeddingModelRead:
    return EmbeddingModelRead(model=ref.model, endpoint=ref.endpoint)


async def index_status(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID
) -> KnowledgeIndexRead:
    await session.flush()
    index = await session.get(KnowledgeIndex, tenant_id)
    configured = await configured_model(session, settings, tenant_id)
    if index is None:
        return KnowledgeIndexRead(
            active=_model(active_ref(None)),
            configured=_model(configured),
            state=IndexState.ready,
            target=None,
            chunks_total=0,
            chunks_done=0,
            progress=1.0,
            attempts=0,
            last_error=None,
            started_at=None,
            finished_at=None,
        )
    target = target_ref(index)
    building = index.state is not IndexState.ready
    progress = (
        1.0 if not building else index.chunks_done / index.chunks_total if index.chunks_total else 0
    )
    total, done = index.chunks_total, index.chunks_done
    if not building:  # every chunk is on the active model, also those added since the move
        count = scoped(select(func.count()).select_from(Chunk), Chunk, tenant_id)
        total = done = await session.scalar(count) or 0
    return KnowledgeIndexRead(
        active=_model(active_ref(index)),
        configured=_model(configured),
        state=index.state,
        target=_model(target) if target is not None else None,
        chunks_total=total,
        chunks_done=done,
        progress=min(1.0, progress),
        attempts=index.attempts,
        last_error=index.last_error,
        started_at=index.started_at,
        finished_at=index.finished_at,
    )


async def reindex_collection(
    session: AsyncSession, tenant_id: uuid.UUID, collection_id: uuid.UUID
) -> ReindexQueued:
    """Every document of the collection indexed again (their chunks serve meanwhile)."""
    collection = await get_collection(session, tenant_id, collection_id)
    documents = list(
        await session.scalars(
            scoped(select(Document), Document, tenant_id)
            .where(Document.collection_id == collection.id)
            .with_for_update()
        )
    )
    queued = 0
    for document in documents:
        if document.status in (DocumentStatus.ready, DocumentStatus.failed):
            document.attempts = 0
            document.last_error = None
            queue_indexing(session, document)
            queued += 1
    return ReindexQueued(queued=queued, busy=len(documents) - queued)
