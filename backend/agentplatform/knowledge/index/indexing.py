"""Indexing one document in the worker: parse, chunk, embed, then swap its chunks in at once.

A document's language is detected from its prose (`language`), and its chunks are indexed for the
text leg in that language's configuration; each chunk carries the document's title, weighted in
the text leg and, if the settings say so, embedded as a header above its text (`headers`).

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
from typing import cast
from urllib.parse import urlsplit

from arq import ArqRedis
from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.ai import usage
from agentplatform.ai.embeddings import LOCAL_PROVIDER
from agentplatform.ai.local_embedder import aget_local_embedder
from agentplatform.ai.models import UsageOperation
from agentplatform.ai.usage import Metered, TokenBudgetExceeded
from agentplatform.core import work
from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.errors import ProblemError
from agentplatform.core.settings import Settings
from agentplatform.core.work import Claim, WorkKind
from agentplatform.knowledge.documents.models import Document, DocumentStatus, SourceKind
from agentplatform.knowledge.documents.parsing import DocumentType, ParseError, detect_type
from agentplatform.knowledge.documents.parsing.sandbox import limits_of, parse_isolated
from agentplatform.knowledge.documents.service import queue_indexing
from agentplatform.knowledge.documents.storage import Storage
from agentplatform.knowledge.documents.web_fetch import FetchError, fetch
from agentplatform.knowledge.graph.service import queue_extraction
from agentplatform.knowledge.index.chunking import Chunk as Chunked
from agentplatform.knowledge.index.chunking import chunk
from agentplatform.knowledge.index.embedding import (
    Embedder,
    EmbeddingUnavailable,
    active_model,
    active_ref,
    embedder_for,
    ensure_index,
    locked_index,
)
from agentplatform.knowledge.index.headers import (
    context_title,
    contextual_text,
    header_title,
    vector_title,
)
from agentplatform.knowledge.index.language import (
    available_ts_config,
    detect_language,
    prose_sample,
)
from agentplatform.knowledge.index.models import Chunk

logger = logging.getLogger(__name__)

EMBED_BATCH = 32

INDEXING = WorkKind(
    name="document indexing",
    model=Document,
    key=Document.id,
    status=Document.status,
    queued=DocumentStatus.queued,
    running=DocumentStatus.parsing,
    active=(DocumentStatus.parsing, DocumentStatus.chunking, DocumentStatus.embedding),
    failed=DocumentStatus.failed,
    doing="processing this file",
    requeue=queue_indexing,
)


class Outcome:
    done = "ready"
    failed = "failed"
    skipped = "skipped"
    retry = "retry"
    unchanged = "unchanged"  # a web page fetched again with the same bytes


@dataclass(frozen=True)
class Claimed:
    held: Claim
    storage_key: str
    doc_type: DocumentType
    source_url: str | None
    content_sha256: str | None
    has_chunks: bool
    title: str
    filename: str | None

    @property
    def id(self) -> uuid.UUID:
        return cast(uuid.UUID, self.held.key)

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.held.tenant_id

    def unchanged(self, digest: str) -> bool:
        """A web page whose bytes are the ones indexed last time (nothing to redo)."""
        return self.source_url is not None and self.has_chunks and digest == self.content_sha256


@dataclass(frozen=True)
class Prepared:
    """A document parsed, chunked and embedded, ready to replace its chunks."""

    chunks: list[Chunked]
    vectors: list[list[float]]
    title: str  # as the chunks carry it (`headers.context_title`)
    language: str | None
    embedded_tokens: int
    page_count: int | None
    digest: str
    embedder: Embedder


async def _claim_next(maker: async_sessionmaker[AsyncSession]) -> Claimed | None:
    """Takes the fairest waiting document (round robin across tenants, see `core.work`)."""
    async with unit_of_work(maker, None) as session:
        taken = await work.claim_fairest(session, INDEXING)
        if taken is None:
            return None
        document, held = taken
        document.progress = 0.0
        document.recheck_at = None
        await ensure_index(session, document.tenant_id)
        return Claimed(
            held=held,
            storage_key=document.storage_key,
            doc_type=DocumentType(document.content_type),
            source_url=document.source_url if document.source_kind is SourceKind.url else None,
            content_sha256=document.content_sha256,
            has_chunks=document.indexed_at is not None,
            title=document.title,
            filename=document.filename,
        )


async def _progress(
    maker: async_sessionmaker[AsyncSession], claimed: Claimed, **values: object
) -> None:
    await work.heartbeat(maker, INDEXING, claimed.held, **values)


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
    await _progress(maker, claimed, content_type=doc_type.value, size_bytes=len(page.data))
    return page.data, doc_type


async def _source(
    maker: async_sessionmaker[AsyncSession],
    storage: Storage,
    settings: Settings,
    claimed: Claimed,
) -> tuple[bytes, DocumentType]:
    if claimed.source_url is not None:
        return await _fetch_page(maker, storage, settings, claimed)
    return await storage.get(claimed.storage_key), claimed.doc_type


async def _prepare(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    claimed: Claimed,
    data: bytes,
    doc_type: DocumentType,
) -> Prepared:
    """Parses, chunks and embeds, writing each step and the progress on the document."""
    parsed = await parse_isolated(
        data, doc_type, max_bytes=settings.max_upload_bytes, limits=limits_of(settings)
    )
    await _progress(maker, claimed, status=DocumentStatus.chunking, progress=0.0)
    local = await aget_local_embedder(settings.local_embedding_model_path)
    title = context_title(
        claimed.title,
        filename=claimed.filename,
        source_url=claimed.source_url,
        parsed_title=parsed.title,
    )
    embedded_title = vector_title(settings, title)
    chunks = await asyncio.to_thread(
        chunk, parsed.blocks, local.count_tokens, header=header_title(embedded_title)
    )
    language = await asyncio.to_thread(detect_language, prose_sample(parsed.blocks))
    _check_size(settings, chunks)
    await _progress(maker, claimed, status=DocumentStatus.embedding, progress=0.0)
    async with unit_of_work(maker, None) as session:
        tenant_id = claimed.tenant_id
        embedder = await embedder_for(
            session, settings, tenant_id, await active_model(session, tenant_id)
        )
        if embedder.config is not None:
            await usage.check_budget(session, tenant_id)
    vectors: list[list[float]] = []
    embedded_tokens = 0
    for start in range(0, len(chunks), EMBED_BATCH):
        batch = await embedder.embed(
            [
                contextual_text(embedded_title, c.heading_path, c.text)
                for c in chunks[start : start + EMBED_BATCH]
            ]
        )
        vectors.extend(batch.vectors)
        embedded_tokens += batch.call.tokens_in
        await _progress(maker, claimed, progress=len(vectors) / len(chunks))
    return Prepared(
        chunks=chunks,
        vectors=vectors,
        title=title,
        language=language,
        embedded_tokens=embedded_tokens,
        page_count=parsed.page_count,
        digest=hashlib.sha256(data).hexdigest(),
        embedder=embedder,
    )


def _check_size(settings: Settings, chunks: list[Chunked]) -> None:
    """Refuses a document whose embedding would cost more than a document may."""
    tokens = sum(c.token_count for c in chunks)
    most_chunks = settings.knowledge_max_chunks_per_document
    most_tokens = settings.knowledge_max_tokens_per_document
    if len(chunks) > most_chunks or tokens > most_tokens:
        raise ParseError(
            f"The document makes {len(chunks):,} chunks of {tokens:,} tokens; a document may "
            f"make at most {most_chunks:,} chunks and {most_tokens:,} tokens. Split it into "
            "smaller files (a table with very wide rows makes many chunks: keep the columns "
            "people ask about).",
            code="too-large-to-index",
        )


async def _fail_known(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    claimed: Claimed,
    exc: ParseError | FetchError | EmbeddingUnavailable | TokenBudgetExceeded,
) -> bool:
    """Records a failure we have words for; True if the document will be tried again."""
    if isinstance(exc, FetchError) and not exc.permanent:  # a page that may load later
        return await work.retry_or_fail(
            maker,
            settings,
            INDEXING,
            claimed.held,
            exc.message,
            recheck_at=_recheck_at(settings, claimed, failed_for_good=False),
        )
    permanent = not isinstance(exc, TokenBudgetExceeded) and (
        not isinstance(exc, EmbeddingUnavailable) or exc.permanent
    )
    message = str(exc) if isinstance(exc, TokenBudgetExceeded) else exc.message
    await work.fail(
        maker,
        INDEXING,
        claimed.held,
        message,
        progress=0.0,
        recheck_at=_recheck_at(settings, claimed, failed_for_good=permanent),
    )
    return False


async def index_next(
    maker: async_sessionmaker[AsyncSession],
    storage: Storage,
    settings: Settings,
    arq: ArqRedis | None = None,
) -> str:
    """Indexes the fairest waiting document; returns an `Outcome` (`skipped`: none waiting, or
    the document was deleted or queued again meanwhile; `retry`: back in the queue because the
    tenant's embedding model changed meanwhile).

    Raises on a failure worth retrying, after putting the document back in the queue. `arq`
    sends the jobs that follow a document becoming ready.
    """
    claimed = await _claim_next(maker)
    if claimed is None:
        return Outcome.skipped
    started = time.perf_counter()
    try:
        async with work.kept_alive(maker, INDEXING, claimed.held, work.beat_every(settings)):
            data, doc_type = await _source(maker, storage, settings, claimed)
            if claimed.unchanged(hashlib.sha256(data).hexdigest()):
                await _progress(maker, claimed, **_ready_again(settings, claimed))
                return Outcome.unchanged
            prepared = await _prepare(maker, settings, claimed, data, doc_type)
    except (ParseError, FetchError, EmbeddingUnavailable, TokenBudgetExceeded) as exc:
        if await _fail_known(maker, settings, claimed, exc):
            raise
        return Outcome.failed
    except Exception as exc:
        logger.exception("indexing failed", extra={"document_id": str(claimed.id)})
        reason = str(exc) if isinstance(exc, ProblemError) else type(exc).__name__
        retry = await work.retry_or_fail(
            maker,
            settings,
            INDEXING,
            claimed.held,
            f"Indexing failed ({reason})",
            recheck_at=_recheck_at(settings, claimed, failed_for_good=False),
        )
        if retry:
            raise
        return Outcome.failed
    return await _store(maker, settings, claimed, prepared, started, arq)


def _chunk_rows(claimed: Claimed, prepared: Prepared, ts_config: str) -> list[dict[str, object]]:
    return [
        {
            "id": uuid.uuid4(),
            "tenant_id": claimed.tenant_id,
            "document_id": claimed.id,
            "index": c.index,
            "text": c.text,
            "heading_path": c.heading_path,
            "page_start": c.page_start,
            "page_end": c.page_end,
            "token_count": c.token_count,
            "embedding": vector,
            "ts_config": ts_config,
            "document_title": prepared.title,
        }
        for c, vector in zip(prepared.chunks, prepared.vectors, strict=True)
    ]


async def _store(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    claimed: Claimed,
    prepared: Prepared,
    started: float,
    arq: ArqRedis | None,
) -> str:
    """Swaps the document's chunks for the new ones in one transaction, if its claim stands."""
    async with unit_of_work(maker, arq) as session:
        # Share-locked until commit: a switch to another model waits for these vectors, or these
        # vectors see that the switch happened and are made again with the new model.
        index = await locked_index(session, claimed.tenant_id)
        document = await work.update_claimed(session, INDEXING, claimed.held)
        if document is None:  # deleted or queued again while we worked
            return Outcome.skipped
        embedder = prepared.embedder
        if not active_ref(index).same_vectors(embedder.ref):
            document.status = DocumentStatus.queued
            document.progress = 0.0
            document.attempts = max(0, document.attempts - 1)
            return Outcome.retry
        ts_config = await available_ts_config(session, prepared.language)
        await session.execute(delete(Chunk).where(Chunk.document_id == claimed.id))
        if prepared.chunks:
            await session.execute(insert(Chunk), _chunk_rows(claimed, prepared, ts_config))
        document.language = prepared.language
        document.ts_config = ts_config
        document.status = DocumentStatus.ready
        document.progress = 1.0
        document.chunk_count = len(prepared.chunks)
        document.token_count = sum(c.token_count for c in prepared.chunks)
        document.page_count = prepared.page_count
        document.embedding_model = embedder.ref.model
        document.content_sha256 = prepared.digest
        document.indexed_at = utcnow()
        document.recheck_at = _recheck_at(settings, claimed, failed_for_good=False, ready=True)
        document.last_error = None
        await queue_extraction(session, document, send_job=arq is not None)
        call = Metered(
            LOCAL_PROVIDER if embedder.config is None else embedder.config.name,
            embedder.ref.model,
            prepared.embedded_tokens,
            latency_ms=int((time.perf_counter() - started) * 1000),
        )
        await usage.record(session, claimed.tenant_id, UsageOperation.embedding, call)
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
