"""HTTP routes of the knowledge base's documents: upload, paste or link them, group them in
collections, follow their indexing."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile, status

from agentplatform.core.app_state import app_settings
from agentplatform.core.db import SessionDep
from agentplatform.core.pagination import Page, PageDep
from agentplatform.knowledge.deps import KnowledgeRead, KnowledgeWrite
from agentplatform.knowledge.documents import collections_service, stats_service
from agentplatform.knowledge.documents import service as documents_service
from agentplatform.knowledge.documents.models import DocumentStatus, SourceKind
from agentplatform.knowledge.documents.schemas import (
    CollectionCreate,
    CollectionRead,
    CollectionUpdate,
    DocumentRead,
    DocumentUpdate,
    KnowledgeStats,
    TextDocumentCreate,
    UrlDocumentCreate,
)
from agentplatform.knowledge.documents.storage import LocalStorage
from agentplatform.knowledge.http import READ_ERRORS, WRITE_ERRORS

router = APIRouter(prefix="/tenants/{tenant_id}/knowledge", tags=["knowledge"])


def _storage(request: Request) -> LocalStorage:
    return LocalStorage(app_settings(request).storage_path)


@router.post(
    "/documents",
    response_model=DocumentRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def upload_document(
    ctx: KnowledgeWrite,
    session: SessionDep,
    request: Request,
    file: Annotated[UploadFile, File(description="PDF, DOCX, HTML, Markdown, text or CSV")],
    title: Annotated[str | None, Form(max_length=300)] = None,
    collection_id: Annotated[uuid.UUID | None, Form()] = None,
    tags: Annotated[list[str] | None, Form(max_length=20)] = None,
) -> DocumentRead:
    """Stores the original and queues indexing; the type is read from the bytes, not the name."""
    settings = app_settings(request)
    data = await file.read(settings.max_upload_bytes + 1)
    document = await documents_service.add_document(
        session,
        _storage(request),
        ctx.tenant_id,
        data=data,
        title=title,
        filename=file.filename,
        declared_type=file.content_type,
        source_kind=SourceKind.upload,
        max_bytes=settings.max_upload_bytes,
        collection_id=collection_id,
        tags=[t.strip() for t in tags or [] if t.strip()],
        max_queued=settings.knowledge_max_queued_per_tenant,
    )
    return DocumentRead.model_validate(document)


@router.post(
    "/documents/text",
    response_model=DocumentRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def add_text_document(
    body: TextDocumentCreate, ctx: KnowledgeWrite, session: SessionDep, request: Request
) -> DocumentRead:
    """Pasted text (Markdown is recognised) as a document."""
    settings = app_settings(request)
    document = await documents_service.add_document(
        session,
        _storage(request),
        ctx.tenant_id,
        data=body.text.encode(),
        title=body.title,
        filename=None,
        declared_type="text/markdown",
        source_kind=SourceKind.text,
        max_bytes=settings.max_upload_bytes,
        collection_id=body.collection_id,
        tags=body.tags,
        max_queued=settings.knowledge_max_queued_per_tenant,
    )
    return DocumentRead.model_validate(document)


@router.post(
    "/documents/url",
    response_model=DocumentRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def add_url_document(
    body: UrlDocumentCreate, ctx: KnowledgeWrite, session: SessionDep, request: Request
) -> DocumentRead:
    """A web page by URL: the worker fetches it (public addresses only, size and time limits)."""
    document = await documents_service.add_url_document(
        session,
        ctx.tenant_id,
        url=str(body.url),
        title=body.title,
        collection_id=body.collection_id,
        tags=body.tags,
        max_queued=app_settings(request).knowledge_max_queued_per_tenant,
    )
    return DocumentRead.model_validate(document)


@router.get("/documents", response_model=Page[DocumentRead], responses=READ_ERRORS)
async def list_documents(
    ctx: KnowledgeRead,
    session: SessionDep,
    page: PageDep,
    status_filter: Annotated[DocumentStatus | None, Query(alias="status")] = None,
    collection_id: uuid.UUID | None = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[DocumentRead]:
    items, total = await documents_service.list_documents(
        session,
        ctx.tenant_id,
        page,
        status=status_filter,
        collection_id=collection_id,
        tag=tag,
        q=q,
    )
    return Page[DocumentRead].of([DocumentRead.model_validate(d) for d in items], total, page)


@router.get("/documents/{document_id}", response_model=DocumentRead, responses=READ_ERRORS)
async def get_document(
    document_id: uuid.UUID, ctx: KnowledgeRead, session: SessionDep
) -> DocumentRead:
    """The document with its indexing status, progress and, if it failed, why."""
    document = await documents_service.get_document(session, ctx.tenant_id, document_id)
    return DocumentRead.model_validate(document)


@router.delete(
    "/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ_ERRORS
)
async def delete_document(
    document_id: uuid.UUID, ctx: KnowledgeWrite, session: SessionDep, request: Request
) -> None:
    await documents_service.delete_document(session, _storage(request), ctx.tenant_id, document_id)


@router.post(
    "/documents/{document_id}/reindex", response_model=DocumentRead, responses=WRITE_ERRORS
)
async def reindex_document(
    document_id: uuid.UUID, ctx: KnowledgeWrite, session: SessionDep, request: Request
) -> DocumentRead:
    """Indexes the document again (also to retry one that failed); its current chunks keep
    serving until the new ones are in."""
    document = await documents_service.reindex_document(
        session, ctx.tenant_id, document_id, app_settings(request).knowledge_max_queued_per_tenant
    )
    return DocumentRead.model_validate(document)


@router.get("/collections", response_model=list[CollectionRead], responses=READ_ERRORS)
async def list_collections(ctx: KnowledgeRead, session: SessionDep) -> list[CollectionRead]:
    """Every collection of the workspace by name, each with how many documents it holds."""
    rows = await collections_service.list_collections(session, ctx.tenant_id)
    return [CollectionRead.model_validate(row) for row in rows]


@router.post(
    "/collections",
    response_model=CollectionRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def create_collection(
    body: CollectionCreate, ctx: KnowledgeWrite, session: SessionDep
) -> CollectionRead:
    """Names are unique within the workspace (409 on `body.name` otherwise)."""
    row = await collections_service.create_collection(session, ctx.tenant_id, body)
    return CollectionRead.model_validate(row)


@router.patch("/collections/{collection_id}", response_model=CollectionRead, responses=WRITE_ERRORS)
async def update_collection(
    collection_id: uuid.UUID, body: CollectionUpdate, ctx: KnowledgeWrite, session: SessionDep
) -> CollectionRead:
    """Renames or describes the collection; only the fields sent change."""
    row = await collections_service.update_collection(session, ctx.tenant_id, collection_id, body)
    return CollectionRead.model_validate(row)


@router.delete(
    "/collections/{collection_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ_ERRORS
)
async def delete_collection(
    collection_id: uuid.UUID, ctx: KnowledgeWrite, session: SessionDep
) -> None:
    """Its documents stay in the knowledge base, outside any collection."""
    await collections_service.delete_collection(session, ctx.tenant_id, collection_id)


@router.patch("/documents/{document_id}", response_model=DocumentRead, responses=WRITE_ERRORS)
async def update_document(
    document_id: uuid.UUID, body: DocumentUpdate, ctx: KnowledgeWrite, session: SessionDep
) -> DocumentRead:
    """Changes the title, tags or collection; only the fields sent change."""
    document = await collections_service.update_document(session, ctx.tenant_id, document_id, body)
    return DocumentRead.model_validate(document)


@router.get("/stats", response_model=KnowledgeStats, responses=READ_ERRORS)
async def knowledge_stats(ctx: KnowledgeRead, session: SessionDep) -> KnowledgeStats:
    """Documents by status, totals, the last indexing and the latest failures with reasons."""
    return await stats_service.knowledge_stats(session, ctx.tenant_id)
