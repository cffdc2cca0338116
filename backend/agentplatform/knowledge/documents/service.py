"""Documents: accept an upload or pasted text, recognise duplicates, queue indexing."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.db import escape_like, utcnow
from agentplatform.core.errors import (
    Conflict,
    FieldError,
    PayloadTooLarge,
    RateLimited,
    ValidationFailed,
)
from agentplatform.core.jobs import enqueue_after_commit
from agentplatform.core.pagination import PageParams, paginate
from agentplatform.core.scoped import find_scoped, get_scoped, scoped
from agentplatform.knowledge.documents.models import (
    Collection,
    Document,
    DocumentStatus,
    SourceKind,
)
from agentplatform.knowledge.documents.parsing import DocumentType, ParseError, detect_type
from agentplatform.knowledge.documents.storage import Storage, storage_key

INDEX_JOB = "index_next_document"


def queue_indexing(session: AsyncSession, document: Document) -> None:
    """Puts the document in the queue; the job it sends indexes whichever waiting document is
    fairest to take when a worker is free (see `indexing`), not necessarily this one. A job
    still working on the document loses its claim and writes nothing."""
    document.status = DocumentStatus.queued
    document.progress = 0.0
    document.run_id = None
    document.next_attempt_at = None
    enqueue_after_commit(session, INDEX_JOB)


async def check_collection(
    session: AsyncSession, tenant_id: uuid.UUID, collection_id: uuid.UUID | None
) -> None:
    """A 422 unless the collection is one of the tenant's (None: no collection)."""
    if collection_id is None or await find_scoped(session, Collection, tenant_id, collection_id):
        return
    raise ValidationFailed(
        "Unknown collection",
        errors=[FieldError.at("body.collection_id", "unknown collection", "unknown")],
    )


WAITING = (
    DocumentStatus.queued,
    DocumentStatus.parsing,
    DocumentStatus.chunking,
    DocumentStatus.embedding,
)


async def ensure_queue_room(
    session: AsyncSession, tenant_id: uuid.UUID, max_queued: int | None, adding: int = 1
) -> None:
    """A 429 when the workspace already has `max_queued` documents waiting for or in indexing
    (None: no bound): one workspace's backlog is bounded, whatever it uploads."""
    if max_queued is None:
        return
    waiting = await session.scalar(
        scoped(select(func.count()).select_from(Document), Document, tenant_id).where(
            Document.status.in_(WAITING)
        )
    )
    if (waiting or 0) + adding > max_queued:
        raise RateLimited(
            60,
            f"The workspace has {waiting:,} documents waiting to be indexed, the most it may "
            "have; add more once some of them are ready",
        )


async def _same_content(
    session: AsyncSession, tenant_id: uuid.UUID, digest: str
) -> Document | None:
    return await session.scalar(
        scoped(select(Document), Document, tenant_id).where(Document.sha256 == digest)
    )


async def add_document(
    session: AsyncSession,
    storage: Storage,
    tenant_id: uuid.UUID,
    *,
    data: bytes,
    title: str | None,
    filename: str | None,
    declared_type: str | None,
    source_kind: SourceKind,
    max_bytes: int,
    collection_id: uuid.UUID | None = None,
    tags: list[str] | None = None,
    max_queued: int | None = None,
) -> Document:
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"The file is larger than the limit of {max_bytes} bytes")
    try:
        doc_type = detect_type(data, filename, declared_type)
    except ParseError as exc:
        raise ValidationFailed(
            exc.message, errors=[FieldError.at("body.file", exc.message, exc.code)]
        ) from exc
    await check_collection(session, tenant_id, collection_id)
    await ensure_queue_room(session, tenant_id, max_queued)
    digest = hashlib.sha256(data).hexdigest()
    existing = await _same_content(session, tenant_id, digest)
    if existing is not None:
        raise Conflict(
            f"This file is already in the knowledge base as '{existing.title}' ({existing.id})",
            errors=[
                FieldError.at("body.file", f"duplicate of document {existing.id}", "duplicate")
            ],
        )
    document = Document(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        collection_id=collection_id,
        title=(title or filename or "Untitled")[:300],
        source_kind=source_kind,
        filename=filename,
        content_type=doc_type.value,
        size_bytes=len(data),
        sha256=digest,
        tags=sorted(set(tags or [])),
        attempts=0,
    )
    document.storage_key = storage_key(tenant_id, digest, document.id)
    await storage.put(document.storage_key, data)
    try:
        session.add(document)
        await _flush_new(session, document)
        queue_indexing(session, document)
    except BaseException:
        # Nothing refers to the file. (If the commit fails later, the sweep removes it.)
        await storage.delete(document.storage_key)
        raise
    return document


async def _flush_new(session: AsyncSession, document: Document) -> None:
    """A 409 when the same content was added meanwhile (by a request running alongside)."""
    try:
        await session.flush()
    except IntegrityError as exc:
        if "uq_document_tenant_id_sha256" not in str(exc.orig):
            raise
        raise Conflict(
            "This file was added to the knowledge base meanwhile",
            errors=[FieldError.at("body.file", "duplicate of another document", "duplicate")],
        ) from exc


async def add_url_document(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    url: str,
    title: str | None,
    collection_id: uuid.UUID | None = None,
    tags: list[str] | None = None,
    max_queued: int | None = None,
) -> Document:
    """A web page, fetched by the worker (the same address twice is a duplicate)."""
    await check_collection(session, tenant_id, collection_id)
    await ensure_queue_room(session, tenant_id, max_queued)
    digest = hashlib.sha256(f"url:{url}".encode()).hexdigest()
    existing = await _same_content(session, tenant_id, digest)
    if existing is not None:
        raise Conflict(
            f"This page is already in the knowledge base as '{existing.title}' ({existing.id})",
            errors=[FieldError.at("body.url", f"duplicate of document {existing.id}", "duplicate")],
        )
    document = Document(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        collection_id=collection_id,
        title=(title or url)[:300],
        source_kind=SourceKind.url,
        source_url=url,
        content_type=DocumentType.HTML.value,  # until the worker sees the page
        size_bytes=0,
        sha256=digest,
        tags=sorted(set(tags or [])),
        attempts=0,
    )
    document.storage_key = storage_key(tenant_id, digest, document.id)
    session.add(document)
    await session.flush()
    queue_indexing(session, document)
    return document


async def get_document(
    session: AsyncSession, tenant_id: uuid.UUID, document_id: uuid.UUID
) -> Document:
    return await get_scoped(session, Document, tenant_id, document_id, "Document not found")


async def list_documents(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    params: PageParams,
    *,
    status: DocumentStatus | None = None,
    collection_id: uuid.UUID | None = None,
    tag: str | None = None,
    q: str | None = None,
) -> tuple[list[Document], int]:
    stmt: Any = scoped(select(Document), Document, tenant_id)
    if status is not None:
        stmt = stmt.where(Document.status == status)
    if collection_id is not None:
        stmt = stmt.where(Document.collection_id == collection_id)
    if tag:
        stmt = stmt.where(Document.tags.contains([tag]))
    if q:
        like = "%" + escape_like(q) + "%"
        stmt = stmt.where(
            or_(Document.title.ilike(like, escape="\\"), Document.filename.ilike(like, escape="\\"))
        )
    stmt = stmt.order_by(Document.created_at.desc(), Document.id)
    return await paginate(session, stmt, params)


async def delete_document(
    session: AsyncSession, storage: Storage, tenant_id: uuid.UUID, document_id: uuid.UUID
) -> None:
    document = await get_document(session, tenant_id, document_id)
    key = document.storage_key
    await session.delete(document)
    await session.flush()
    await storage.delete(key)


#: A stored file younger than this is left alone by the sweep, whether or not a row refers to
#: it yet: the request that wrote it may still be running (its row is flushed right after).
STORED_FILE_GRACE = timedelta(hours=1)
_SWEEP_BATCH = 500


async def sweep_stored_files(
    session: AsyncSession, storage: Storage, *, grace: timedelta = STORED_FILE_GRACE
) -> int:
    """Removes the stored files no document refers to that were written more than `grace` ago:
    an upload whose commit failed, a document deleted while the worker fetched its page, a
    write cut short. Every tenant's (it is the worker's sweep); returns how many it removed."""
    by_tenant: dict[uuid.UUID | None, list[str]] = {}
    for key in await storage.keys_written_before(utcnow() - grace):
        by_tenant.setdefault(_tenant_of(key), []).append(key)
    removed = 0
    for tenant_id, keys in by_tenant.items():
        for start in range(0, len(keys), _SWEEP_BATCH):
            batch = keys[start : start + _SWEEP_BATCH]
            stmt = select(Document.storage_key).where(Document.storage_key.in_(batch))
            if tenant_id is not None:  # the key's tenant: its rows alone, by index
                stmt = scoped(stmt, Document, tenant_id)
            referenced = set(await session.scalars(stmt))
            for key in batch:
                if key not in referenced:
                    await storage.delete(key)
                    removed += 1
    return removed


def _tenant_of(key: str) -> uuid.UUID | None:
    """The tenant a key starts with (`storage_key`), if it does."""
    try:
        return uuid.UUID(key.split("/", 1)[0])
    except ValueError:
        return None


async def reindex_document(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    document_id: uuid.UUID,
    max_queued: int | None = None,
) -> Document:
    """Indexes again; the current chunks keep serving until the new ones replace them. Also how
    a person retries a document that failed for good."""
    document = await get_document(session, tenant_id, document_id)
    if document.status not in (DocumentStatus.ready, DocumentStatus.failed):
        raise Conflict("The document is being indexed already")
    await ensure_queue_room(session, tenant_id, max_queued)
    document.attempts = 0
    document.last_error = None
    await session.flush()
    queue_indexing(session, document)
    return document
