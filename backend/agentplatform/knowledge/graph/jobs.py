"""Extracting one document's knowledge graph in the worker: claim, extract, store, or retry.

The document's `graph_extraction` row is the job's state. A job claims it (queued → running) with
SKIP LOCKED and a fresh `run_id`, so a duplicate job finds nothing to do; reads the chunks; asks
the workspace's chat model (`llm`) or, with no provider, the offline extractor (`offline`); then
writes the graph in one transaction, only if its claim still stands (the document was not
reindexed or queued again meanwhile). Re-running replaces the document's rows, never adds to them.

Failures: a provider that may recover (rate limits, outages, timeouts, after the SDK's own
retries) puts the row back in the queue with the reason, and the job raises so arq tries again
with backoff; after `work_max_attempts` the row fails for good. A rejected key, an unknown
model, a refused request, a spent token budget or a model whose answers are not valid graphs
(asked again at once a few times, see `llm`) fail at once. The reason is kept in `last_error`
for people to read. The bookkeeping is `core.work`'s, whose sweep re-queues rows whose job died.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import cast

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
from agentplatform.core import work
from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.jobs import enqueue_after_commit
from agentplatform.core.settings import Settings
from agentplatform.core.work import Claim, WorkKind
from agentplatform.knowledge.documents.models import Document
from agentplatform.knowledge.graph.extraction import ChunkText, GraphDraft
from agentplatform.knowledge.graph.llm import InvalidGraphAnswer, extract_with_llm
from agentplatform.knowledge.graph.models import Extraction, ExtractionStatus
from agentplatform.knowledge.graph.offline.extractor import extract_offline
from agentplatform.knowledge.graph.store import replace_document_graph
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


def requeue_extraction(session: AsyncSession, row: Extraction) -> None:
    row.status = ExtractionStatus.queued
    row.run_id = None
    enqueue_after_commit(session, EXTRACT_JOB, str(row.document_id))


EXTRACTION = WorkKind(
    name="graph extraction",
    model=Extraction,
    key=Extraction.document_id,
    status=Extraction.status,
    queued=ExtractionStatus.queued,
    running=ExtractionStatus.running,
    active=(ExtractionStatus.running,),
    failed=ExtractionStatus.failed,
    doing="extracting this document's knowledge graph",
    requeue=requeue_extraction,
)


class Outcome:
    done = "ready"
    failed = "failed"
    skipped = "skipped"


@dataclass(frozen=True)
class Claimed:
    held: Claim
    title: str
    chunks: list[ChunkText]

    @property
    def document_id(self) -> uuid.UUID:
        return cast(uuid.UUID, self.held.key)

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.held.tenant_id


async def _claim(maker: async_sessionmaker[AsyncSession], document_id: uuid.UUID) -> Claimed | None:
    async with unit_of_work(maker, None) as session:
        taken = await work.claim(session, EXTRACTION, document_id)
        if taken is None:
            return None
        title = await session.scalar(select(Document.title).where(Document.id == document_id))
        chunks = (
            await session.execute(
                select(Chunk.id, Chunk.text, Chunk.heading_path)
                .where(Chunk.document_id == document_id)
                .order_by(Chunk.index)
            )
        ).all()
        return Claimed(
            held=taken[1],
            title=title or "",
            chunks=[
                ChunkText(id=c.id, position=i, text=c.text, heading_path=list(c.heading_path))
                for i, c in enumerate(chunks)
            ],
        )


async def _extract(
    maker: async_sessionmaker[AsyncSession], settings: Settings, claimed: Claimed
) -> GraphDraft:
    async with unit_of_work(maker, None) as session:
        resolved = await resolve_chat(session, settings, claimed.tenant_id)
    if resolved.config is None:
        return await asyncio.to_thread(extract_offline, claimed.title, claimed.chunks)

    async def heartbeat() -> None:
        await work.heartbeat(maker, EXTRACTION, claimed.held)

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
        async with work.kept_alive(maker, EXTRACTION, claimed.held, work.beat_every(settings)):
            draft = await _extract(maker, settings, claimed)
    except PERMANENT as exc:
        await work.fail(maker, EXTRACTION, claimed.held, str(exc))
        return Outcome.failed
    except Exception as exc:
        if isinstance(exc, ProviderError):
            reason = str(exc)
        else:
            logger.exception("graph extraction failed", extra={"document_id": str(document_id)})
            reason = f"Graph extraction failed ({type(exc).__name__})"
        if await work.retry_or_fail(maker, settings, EXTRACTION, claimed.held, reason):
            raise
        return Outcome.failed
    return await _store(maker, claimed, draft)


async def _store(
    maker: async_sessionmaker[AsyncSession], claimed: Claimed, draft: GraphDraft
) -> str:
    """Writes the graph in one transaction, if the claim still stands."""
    async with unit_of_work(maker, None) as session:
        row = await work.update_claimed(session, EXTRACTION, claimed.held)
        if row is None or row.status != ExtractionStatus.running:
            return Outcome.skipped  # deleted, reindexed or queued again while we worked
        present = set(
            await session.scalars(
                select(Chunk.id).where(Chunk.id.in_([c.id for c in claimed.chunks]))
            )
        )
        counts = await replace_document_graph(
            session,
            claimed.tenant_id,
            claimed.document_id,
            draft,
            [c.id if c.id in present else None for c in claimed.chunks],
        )
        row.status = ExtractionStatus.ready
        row.extractor = draft.extractor
        row.entity_count = counts.entities
        row.relation_count = counts.relations
        row.mention_count = counts.mentions
        row.extracted_at = utcnow()
        row.last_error = None
    return Outcome.done
