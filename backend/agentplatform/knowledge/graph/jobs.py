"""Extracting one document's knowledge graph in the worker: claim, extract, store, or retry.

The document's `graph_extraction` row is the job's state. A job claims it (queued → running) with
SKIP LOCKED and a fresh `run_id`, so a duplicate job finds nothing to do; reads the chunks; asks
the workspace's chat model (`llm`) or, with no provider, the offline extractor
(`offline`); then writes the graph in one transaction, only if its claim still stands (the
document was not reindexed or queued again meanwhile). Re-running replaces the document's rows,
never adds to them.

Failures: a provider that may recover (rate limits, outages, timeouts, after the SDK's own
retries) puts the row back in the queue with the reason, and the job raises so arq tries again
with backoff; after `indexing_max_attempts` the row fails for good. A rejected key, an unknown
model, a refused request, a spent token budget or a model whose answers are not valid graphs
(asked again at once a few times, see `llm`) fail at once. The reason is kept in
`last_error` for people to read. The sweeper (`revive_stale`) re-queues rows whose job died.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.ai.provider_errors import (
    ProviderAuthFailed,
    ProviderError,
    ProviderRejected,
    UnknownModel,
)
from agentplatform.ai.resolver import resolve_chat
from agentplatform.ai.usage import TokenBudgetExceeded
from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.jobs import enqueue_after_commit
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.models import Document
from agentplatform.knowledge.graph.extraction import ChunkText, GraphDraft
from agentplatform.knowledge.graph.llm import InvalidGraphAnswer, extract_with_llm
from agentplatform.knowledge.graph.models import Extraction, ExtractionStatus
from agentplatform.knowledge.graph.offline.extractor import extract_offline
from agentplatform.knowledge.graph.store import delete_orphans, replace_document_graph
from agentplatform.knowledge.index.models import Chunk

logger = logging.getLogger(__name__)

EXTRACT_JOB = "extract_knowledge_graph"
PERMANENT = (
    ProviderAuthFailed,
    UnknownModel,
    ProviderRejected,
    TokenBudgetExceeded,
    InvalidGraphAnswer,
)


class Outcome:
    done = "ready"
    failed = "failed"
    skipped = "skipped"


@dataclass(frozen=True)
class Claimed:
    document_id: uuid.UUID
    tenant_id: uuid.UUID
    title: str
    run_id: uuid.UUID
    attempts: int
    chunks: list[ChunkText]


async def _claim(maker: async_sessionmaker[AsyncSession], document_id: uuid.UUID) -> Claimed | None:
    async with unit_of_work(maker, None) as session:
        row = await session.scalar(
            select(Extraction)
            .where(
                Extraction.document_id == document_id,
                Extraction.status == ExtractionStatus.queued,
            )
            .with_for_update(skip_locked=True)
        )
        if row is None:
            return None
        title = await session.scalar(select(Document.title).where(Document.id == document_id))
        chunks = (
            await session.execute(
                select(Chunk.id, Chunk.text, Chunk.heading_path)
                .where(Chunk.document_id == document_id)
                .order_by(Chunk.index)
            )
        ).all()
        row.status = ExtractionStatus.running
        row.attempts += 1
        row.run_id = uuid.uuid4()
        row.last_error = None
        row.heartbeat_at = utcnow()
        return Claimed(
            document_id=document_id,
            tenant_id=row.tenant_id,
            title=title or "",
            run_id=row.run_id,
            attempts=row.attempts,
            chunks=[
                ChunkText(id=c.id, position=i, text=c.text, heading_path=list(c.heading_path))
                for i, c in enumerate(chunks)
            ],
        )


async def _update(
    maker: async_sessionmaker[AsyncSession], claimed: Claimed, **values: object
) -> None:
    """Changes the row if the claim still stands."""
    async with unit_of_work(maker, None) as session:
        row = await session.get(Extraction, claimed.document_id, with_for_update=True)
        if row is not None and row.run_id == claimed.run_id:
            for name, value in values.items():
                setattr(row, name, value)
            row.heartbeat_at = utcnow()


async def _retry_later(
    maker: async_sessionmaker[AsyncSession], settings: Settings, claimed: Claimed, reason: str
) -> bool:
    """Back in the queue with the reason, or failed for good after the last attempt."""
    final = claimed.attempts >= settings.indexing_max_attempts
    await _update(
        maker,
        claimed,
        status=ExtractionStatus.failed if final else ExtractionStatus.queued,
        last_error=f"{reason}; gave up after {claimed.attempts} attempts"
        if final
        else f"{reason}; retrying (attempt {claimed.attempts} of {settings.indexing_max_attempts})",
    )
    return not final


async def _extract(
    maker: async_sessionmaker[AsyncSession], settings: Settings, claimed: Claimed
) -> GraphDraft:
    async with unit_of_work(maker, None) as session:
        resolved = await resolve_chat(session, settings, claimed.tenant_id)
    if resolved.config is None:
        return await asyncio.to_thread(extract_offline, claimed.title, claimed.chunks)

    async def heartbeat() -> None:
        await _update(maker, claimed)

    return await extract_with_llm(
        maker, claimed.tenant_id, resolved, claimed.title, claimed.chunks, heartbeat=heartbeat
    )


async def extract_document(
    maker: async_sessionmaker[AsyncSession], settings: Settings, document_id: uuid.UUID
) -> str:
    """Extracts the document's graph if it is queued; returns an `Outcome` (`skipped`: not
    queued, or claimed by another job). Raises on a failure worth retrying, after putting the row
    back in the queue."""
    claimed = await _claim(maker, document_id)
    if claimed is None:
        return Outcome.skipped
    try:
        draft = await _extract(maker, settings, claimed)
    except PERMANENT as exc:
        await _update(maker, claimed, status=ExtractionStatus.failed, last_error=str(exc))
        return Outcome.failed
    except ProviderError as exc:
        if await _retry_later(maker, settings, claimed, str(exc)):
            raise
        return Outcome.failed
    except Exception as exc:
        logger.exception("graph extraction failed", extra={"document_id": str(document_id)})
        reason = f"Graph extraction failed ({type(exc).__name__})"
        if await _retry_later(maker, settings, claimed, reason):
            raise
        return Outcome.failed

    async with unit_of_work(maker, None) as session:
        row = await session.get(Extraction, document_id, with_for_update=True)
        if row is None or row.run_id != claimed.run_id or row.status != ExtractionStatus.running:
            return Outcome.skipped  # deleted, reindexed or queued again while we worked
        present = set(
            await session.scalars(
                select(Chunk.id).where(Chunk.id.in_([c.id for c in claimed.chunks]))
            )
        )
        counts = await replace_document_graph(
            session,
            claimed.tenant_id,
            document_id,
            draft,
            [c.id if c.id in present else None for c in claimed.chunks],
        )
        row.status = ExtractionStatus.ready
        row.extractor = draft.extractor
        row.entity_count = counts.entities
        row.relation_count = counts.relations
        row.mention_count = counts.mentions
        row.extracted_at = row.heartbeat_at = utcnow()
        row.last_error = None
    return Outcome.done


async def revive_stale(session: AsyncSession, settings: Settings, limit: int = 100) -> int:
    """Re-queues extractions whose job died (running without a recent heartbeat, or queued for
    too long: Redis lost the job), fails the ones that died too often, and deletes entities no
    document mentions any more (documents deleted since)."""
    cutoff = utcnow() - timedelta(seconds=settings.indexing_stale_seconds)
    rows = list(
        await session.scalars(
            select(Extraction)
            .where(
                (
                    (Extraction.status == ExtractionStatus.running)
                    & (Extraction.heartbeat_at < cutoff)
                )
                | (
                    (Extraction.status == ExtractionStatus.queued)
                    & (Extraction.updated_at < cutoff)
                )
            )
            .order_by(Extraction.updated_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for row in rows:
        logger.warning(
            "re-queueing stale graph extraction", extra={"document_id": str(row.document_id)}
        )
        if row.status is ExtractionStatus.running:
            if row.attempts >= settings.indexing_max_attempts:
                row.status = ExtractionStatus.failed
                row.last_error = (
                    f"The extraction stopped without finishing {row.attempts} times; gave up"
                )
                continue
            row.last_error = "The extraction stopped without finishing; trying again"
        row.status = ExtractionStatus.queued
        row.run_id = None
        row.updated_at = utcnow()
        enqueue_after_commit(session, EXTRACT_JOB, str(row.document_id))
    await delete_orphans(session, None)
    return len(rows)
