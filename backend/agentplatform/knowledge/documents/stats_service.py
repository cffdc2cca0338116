"""Figures of a tenant's knowledge base: what the knowledge page and the dashboard show."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.scoped import scoped
from agentplatform.knowledge.documents.models import Document, DocumentStatus
from agentplatform.knowledge.documents.schemas import FailedDocumentRead, KnowledgeStats
from agentplatform.knowledge.index.models import Chunk

RECENT_FAILURES = 5


async def knowledge_stats(session: AsyncSession, tenant_id: uuid.UUID) -> KnowledgeStats:
    by_status: dict[DocumentStatus, int] = dict.fromkeys(DocumentStatus, 0)
    rows = await session.execute(
        scoped(select(Document.status, func.count()), Document, tenant_id).group_by(Document.status)
    )
    for status, count in rows.all():
        by_status[status] = int(count)
    totals = (
        await session.execute(
            scoped(
                select(
                    func.coalesce(func.sum(Document.token_count), 0),
                    func.coalesce(func.sum(Document.size_bytes), 0),
                    func.max(Document.indexed_at),
                ),
                Document,
                tenant_id,
            )
        )
    ).one()
    chunks = await session.scalar(scoped(select(func.count()).select_from(Chunk), Chunk, tenant_id))
    failed = await session.scalars(
        scoped(select(Document), Document, tenant_id)
        .where(Document.status == DocumentStatus.failed)
        .order_by(Document.updated_at.desc(), Document.id)
        .limit(RECENT_FAILURES)
    )
    return KnowledgeStats(
        documents_by_status=by_status,
        total_documents=sum(by_status.values()),
        total_chunks=int(chunks or 0),
        total_tokens=int(totals[0]),
        storage_bytes=int(totals[1]),
        last_indexed_at=totals[2],
        recent_failures=[FailedDocumentRead.model_validate(d) for d in failed],
    )
