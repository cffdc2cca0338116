"""Queueing a document's graph extraction, and where each document's extraction stands."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.db import utcnow
from agentplatform.core.errors import Conflict
from agentplatform.core.jobs import enqueue_after_commit
from agentplatform.core.pagination import PageParams, paginate
from agentplatform.core.scoped import scoped
from agentplatform.knowledge.documents.models import Document, DocumentStatus
from agentplatform.knowledge.documents.service import get_document
from agentplatform.knowledge.graph.jobs import EXTRACT_JOB
from agentplatform.knowledge.graph.models import Extraction, ExtractionStatus


async def queue_extraction(
    session: AsyncSession, document: Document, *, send_job: bool = True
) -> Extraction:
    """Creates or resets the document's extraction row (queued, no attempts) and sends the job
    after the commit. Without `send_job` (no queue at hand) the sweeper sends it later.

    A job still working on the document's previous chunks loses its claim and writes nothing.
    """
    now = utcnow()
    reset: dict[str, Any] = {
        "status": ExtractionStatus.queued,
        "attempts": 0,
        "run_id": None,
        "last_error": None,
        "heartbeat_at": None,
        "next_attempt_at": None,
        "updated_at": now,
    }
    await session.execute(
        pg_insert(Extraction)
        .values(document_id=document.id, tenant_id=document.tenant_id, created_at=now, **reset)
        .on_conflict_do_update(index_elements=[Extraction.document_id], set_=reset)
    )
    row = await session.get(Extraction, document.id, populate_existing=True)
    assert row is not None
    if send_job:
        enqueue_after_commit(session, EXTRACT_JOB, str(document.id))
    return row


async def queue_missing(session: AsyncSession, limit: int = 100) -> int:
    """Queues ready documents that have no extraction row (indexed before the graph existed, or
    by a caller with no queue at hand), oldest first."""
    documents = list(
        await session.scalars(
            select(Document)
            .where(
                Document.status == DocumentStatus.ready,
                ~exists().where(Extraction.document_id == Document.id),
            )
            .order_by(Document.created_at, Document.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for document in documents:
        await queue_extraction(session, document)
    return len(documents)


async def request_extraction(
    session: AsyncSession, tenant_id: uuid.UUID, document_id: uuid.UUID
) -> tuple[Document, Extraction]:
    """Extracts the document's graph again (from its current chunks)."""
    document = await get_document(session, tenant_id, document_id)
    if document.chunk_count == 0:
        raise Conflict("The document has no indexed text yet; extract it once it is ready")
    current = await session.get(Extraction, document_id)
    if current is not None and current.status is ExtractionStatus.running:
        raise Conflict("The graph of this document is being extracted already")
    return document, await queue_extraction(session, document)


async def document_extraction(
    session: AsyncSession, tenant_id: uuid.UUID, document_id: uuid.UUID
) -> tuple[Document, Extraction | None]:
    """The document (404 if not the tenant's) and its extraction row, None if it has none yet."""
    document = await get_document(session, tenant_id, document_id)
    return document, await session.get(Extraction, document_id)


async def list_extractions(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    params: PageParams,
    *,
    status: ExtractionStatus | None = None,
) -> tuple[list[tuple[Extraction, str]], int]:
    """Extraction rows with their document's title, most recently changed first."""
    stmt = scoped(select(Extraction), Extraction, tenant_id).order_by(
        Extraction.updated_at.desc(), Extraction.document_id
    )
    if status is not None:
        stmt = stmt.where(Extraction.status == status)
    rows, total = await paginate(session, stmt, params)
    found = await session.execute(
        select(Document.id, Document.title).where(
            Document.id.in_([row.document_id for row in rows])
        )
    )
    titles = {document_id: title for document_id, title in found}
    return [(row, titles.get(row.document_id, "")) for row in rows], total
