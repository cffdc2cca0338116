"""Indexing one document in the worker: parse, chunk, embed, then swap its chunks in at once.

Each step is recorded on the document (status, progress, heartbeat) in short transactions, so the
UI shows where it is and the sweeper can tell a live job from a dead one. The chunks are replaced in
a single transaction at the end: a job killed halfway leaves the previous chunks serving and no
duplicates, and running the job again is safe.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from arq import ArqRedis
from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.ai import usage
from agentplatform.ai.local_embedder import aget_local_embedder
from agentplatform.ai.models import UsageOperation
from agentplatform.ai.usage import TokenBudgetExceeded
from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.errors import ProblemError
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.models import Document, DocumentStatus, SourceKind
from agentplatform.knowledge.documents.parsing import DocumentType, ParseError, detect_type, parse
from agentplatform.knowledge.documents.storage import Storage
from agentplatform.knowledge.documents.web_fetch import FetchError, fetch
from agentplatform.knowledge.graph.service import queue_extraction
from agentplatform.knowledge.index.chunking import chunk
from agentplatform.knowledge.index.embedding import (
    EmbeddingUnavailable,
    active_model,
    active_ref,
    embedder_for,
    ensure_index,
    locked_index,
)
from agentplatform.knowledge.index.models import Chunk

logger = logging.getLogger(__name__)

EMBED_BATCH = 32
ACTIVE = (DocumentStatus.parsing, DocumentStatus.chunking, DocumentStatus.embedding)


class Outcome:
    done = "ready"
    failed = "failed"
    skipped = "skipped"
    retry = "retry"
    unchanged = "unchanged"  # a web page fetched again with the same bytes


async def _update(
    maker: async_sessionmaker[AsyncSession], document_id: uuid.UUID, **values: object
) -> None:
    async with unit_of_work(maker, None) as session:
        document = await session.get(Document, document_id)
        if document is not None:
            for name, value in values.items():
                setattr(document, name, value)
            document.heartbeat_at = utcnow()


# Round robin over tenants: every tenant's first waiting document before anyone's second, tenants
# served least recently first, so one tenant's 500 uploads never starve another tenant's single
# one. Candidates another worker is taking are skipped (SKIP LOCKED). A document that failed waits
# 5 s x attempts² before it is tried again.
_FAIR_CANDIDATES = text(
    """
    WITH waiting AS (
        SELECT id, tenant_id, created_at,
               row_number() OVER (PARTITION BY tenant_id ORDER BY created_at) AS position
        FROM document
        WHERE status = 'queued'
          AND (attempts = 0 OR heartbeat_at IS NULL
               OR heartbeat_at < now() - make_interval(secs => 5 * attempts * attempts))
    ), served AS (
        SELECT tenant_id, max(heartbeat_at) AS last_served
        FROM document
        WHERE tenant_id IN (SELECT DISTINCT tenant_id FROM waiting)
        GROUP BY tenant_id
    )
    SELECT waiting.id
    FROM waiting JOIN served USING (tenant_id)
    ORDER BY waiting.position, served.last_served ASC NULLS FIRST, waiting.created_at
    LIMIT :limit
    """
)


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    tenant_id: uuid.UUID
    storage_key: str
    doc_type: DocumentType
    attempts: int
    source_url: str | None
    content_sha256: str | None
    has_chunks: bool

    def unchanged(self, digest: str) -> bool:
        """A web page whose bytes are the ones indexed last time (nothing to redo)."""
        return self.source_url is not None and self.has_chunks and digest == self.content_sha256


async def _claim_next(maker: async_sessionmaker[AsyncSession]) -> Claimed | None:
    """Takes the fairest waiting document (skipping ones another worker is taking right now)."""
    async with unit_of_work(maker, None) as session:
        candidates = (await session.execute(_FAIR_CANDIDATES, {"limit": 16})).scalars().all()
        for candidate in candidates:
            document = await session.scalar(
                select(Document)
                .where(Document.id == candidate, Document.status == DocumentStatus.queued)
                .with_for_update(skip_locked=True)
            )
            if document is None:
                continue
            document.status = DocumentStatus.parsing
            document.progress = 0.0
            document.attempts += 1
            document.last_error = None
            document.heartbeat_at = utcnow()
            document.recheck_at = None
            await ensure_index(session, document.tenant_id)
            return Claimed(
                id=document.id,
                tenant_id=document.tenant_id,
                storage_key=document.storage_key,
                doc_type=DocumentType(document.content_type),
                attempts=document.attempts,
                source_url=document.source_url if document.source_kind is SourceKind.url else None,
                content_sha256=document.content_sha256,
                has_chunks=document.indexed_at is not None,
            )
    return None


async def _retry_later(
    maker: async_sessionmaker[AsyncSession], settings: Settings, claimed: Claimed, reason: str
) -> bool:
    """Back in the queue with the reason, or failed after the last attempt (and then taken
    again by the scheduled re-check, as the cause may pass)."""
    attempts = claimed.attempts
    final = attempts >= settings.indexing_max_attempts
    await _update(
        maker,
        claimed.id,
        status=DocumentStatus.failed if final else DocumentStatus.queued,
        last_error=f"{reason}; gave up after {attempts} attempts"
        if final
        else f"{reason}; retrying (attempt {attempts} of {settings.indexing_max_attempts})",
        recheck_at=_recheck_at(settings, claimed, failed_for_good=False) if final else None,
    )
    return not final


async def _fetch_page(
    maker: async_sessionmaker[AsyncSession],
    storage: Storage,
    settings: Settings,
    claimed: Claimed,
) -> tuple[bytes, DocumentType]:
    """Downloads a URL source and keeps the copy as its original."""
    assert claimed.source_url is not None
    page = await fetch(
        claimed.source_url,
        max_bytes=settings.max_upload_bytes,
        timeout_seconds=settings.url_fetch_timeout_seconds,
        allow_private=settings.url_fetch_allow_private,
    )
    doc_type = detect_type(page.data, urlsplit(page.final_url).path, page.content_type)
    await storage.put(claimed.storage_key, page.data)
    await _update(maker, claimed.id, content_type=doc_type.value, size_bytes=len(page.data))
    return page.data, doc_type


async def index_next(
    maker: async_sessionmaker[AsyncSession],
    storage: Storage,
    settings: Settings,
    arq: ArqRedis | None = None,
) -> str:
    """Indexes the fairest waiting document; returns an `Outcome` (`skipped`: none waiting;
    `retry`: back in the queue because the tenant's embedding model changed meanwhile).

    Raises on a failure worth retrying, after putting the document back in the queue. `arq`
    sends the jobs that follow a document becoming ready.
    """
    claimed = await _claim_next(maker)
    if claimed is None:
        return Outcome.skipped
    document_id, tenant_id = claimed.id, claimed.tenant_id
    started = time.perf_counter()
    try:
        if claimed.source_url is not None:
            data, doc_type = await _fetch_page(maker, storage, settings, claimed)
        else:
            data, doc_type = await storage.get(claimed.storage_key), claimed.doc_type
        digest = hashlib.sha256(data).hexdigest()
        if claimed.unchanged(digest):
            await _update(maker, document_id, **_ready_again(settings, claimed))
            return Outcome.unchanged
        parsed = await asyncio.to_thread(parse, data, doc_type, max_bytes=settings.max_upload_bytes)
        await _update(maker, document_id, status=DocumentStatus.chunking, progress=0.0)
        local = await aget_local_embedder(settings.local_embedding_model_path)
        chunks = await asyncio.to_thread(chunk, parsed.blocks, local.count_tokens)
        await _update(maker, document_id, status=DocumentStatus.embedding, progress=0.0)
        async with unit_of_work(maker, None) as session:
            embedder = await embedder_for(
                session, settings, tenant_id, await active_model(session, tenant_id)
            )
            if embedder.config is not None:
                await usage.check_budget(session, tenant_id)
        vectors: list[list[float]] = []
        embedded_tokens = 0
        for start in range(0, len(chunks), EMBED_BATCH):
            batch = await embedder.embed([c.text for c in chunks[start : start + EMBED_BATCH]])
            vectors.extend(batch.vectors)
            embedded_tokens += batch.tokens
            await _update(maker, document_id, progress=len(vectors) / len(chunks))
    except (ParseError, FetchError, EmbeddingUnavailable, TokenBudgetExceeded) as exc:
        # A bad file or page fails for good; a page that may load later is tried again.
        if isinstance(exc, FetchError) and not exc.permanent:
            if await _retry_later(maker, settings, claimed, exc.message):
                raise
            return Outcome.failed
        permanent = not isinstance(exc, TokenBudgetExceeded) and (
            not isinstance(exc, EmbeddingUnavailable) or exc.permanent
        )
        message = str(exc) if isinstance(exc, TokenBudgetExceeded) else exc.message
        await _update(
            maker,
            document_id,
            status=DocumentStatus.failed,
            last_error=message,
            progress=0.0,
            recheck_at=_recheck_at(settings, claimed, failed_for_good=permanent),
        )
        return Outcome.failed
    except Exception as exc:
        logger.exception("indexing failed", extra={"document_id": str(document_id)})
        reason = str(exc) if isinstance(exc, ProblemError) else type(exc).__name__
        if await _retry_later(maker, settings, claimed, f"Indexing failed ({reason})"):
            raise
        return Outcome.failed

    async with unit_of_work(maker, arq) as session:
        # Share-locked until commit: a switch to another model waits for these vectors, or these
        # vectors see that the switch happened and are made again with the new model.
        index = await locked_index(session, tenant_id)
        document = await session.scalar(
            select(Document).where(Document.id == document_id).with_for_update()
        )
        if document is None:  # deleted while we worked
            return Outcome.skipped
        if not active_ref(index).same_vectors(embedder.ref):
            document.status = DocumentStatus.queued
            document.progress = 0.0
            document.attempts = max(0, document.attempts - 1)
            return Outcome.retry
        await session.execute(delete(Chunk).where(Chunk.document_id == document_id))
        if chunks:
            await session.execute(
                insert(Chunk),
                [
                    {
                        "id": uuid.uuid4(),
                        "tenant_id": tenant_id,
                        "document_id": document_id,
                        "index": c.index,
                        "text": c.text,
                        "heading_path": c.heading_path,
                        "page_start": c.page_start,
                        "page_end": c.page_end,
                        "token_count": c.token_count,
                        "embedding": vector,
                    }
                    for c, vector in zip(chunks, vectors, strict=True)
                ],
            )
        tokens = sum(c.token_count for c in chunks)
        document.status = DocumentStatus.ready
        document.progress = 1.0
        document.chunk_count = len(chunks)
        document.token_count = tokens
        document.page_count = parsed.page_count
        document.embedding_model = embedder.ref.model
        document.content_sha256 = digest
        document.indexed_at = utcnow()
        document.heartbeat_at = utcnow()
        document.recheck_at = _recheck_at(settings, claimed, failed_for_good=False, ready=True)
        document.last_error = None
        await queue_extraction(session, document, send_job=arq is not None)
        await usage.record(
            session,
            tenant_id=tenant_id,
            operation=UsageOperation.embedding,
            provider="local" if embedder.config is None else embedder.config.name,
            model=embedder.ref.model,
            tokens_in=embedded_tokens,
            tokens_out=0,
            latency_ms=int((time.perf_counter() - started) * 1000),
        )
    return Outcome.done


def _recheck_at(
    settings: Settings, claimed: Claimed, *, failed_for_good: bool, ready: bool = False
) -> datetime | None:
    """When the scheduled re-check takes the document again: a web page after the refresh
    interval whatever happened; anything else only after a failure that may pass."""
    if claimed.source_url is not None and settings.knowledge_url_refresh_seconds:
        return utcnow() + timedelta(seconds=settings.knowledge_url_refresh_seconds)
    if ready or failed_for_good or not settings.knowledge_failed_recheck_seconds:
        return None
    return utcnow() + timedelta(seconds=settings.knowledge_failed_recheck_seconds)


def _ready_again(settings: Settings, claimed: Claimed) -> dict[str, object]:
    """A page fetched again that has not changed: its chunks stay, only the dates move."""
    now = utcnow()
    return {
        "status": DocumentStatus.ready,
        "progress": 1.0,
        "last_error": None,
        "indexed_at": now,
        "recheck_at": _recheck_at(settings, claimed, failed_for_good=False, ready=True),
    }


async def stale_documents(
    session: AsyncSession, settings: Settings, limit: int = 100
) -> list[Document]:
    """Documents whose job died: active without a recent heartbeat, or queued for too long."""
    cutoff = utcnow() - timedelta(seconds=settings.indexing_stale_seconds)
    rows = await session.scalars(
        select(Document)
        .where(
            ((Document.status.in_(ACTIVE)) & (Document.heartbeat_at < cutoff))
            | ((Document.status == DocumentStatus.queued) & (Document.updated_at < cutoff))
        )
        .order_by(Document.updated_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(rows)
