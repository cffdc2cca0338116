"""HTTP routes of the knowledge index: its embedding model and re-embedding, reindexing a
collection, a document's chunks."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, status

from agentplatform.core.app_state import app_settings
from agentplatform.core.db import SessionDep
from agentplatform.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    problem_responses,
)
from agentplatform.core.pagination import Page, PageDep
from agentplatform.knowledge.deps import KnowledgeRead, KnowledgeWrite
from agentplatform.knowledge.http import EMBEDDING_ERRORS, READ_ERRORS, WRITE_ERRORS
from agentplatform.knowledge.index import chunks_service, reembedding
from agentplatform.knowledge.index import service as index_service
from agentplatform.knowledge.index.schemas import (
    ChunkRead,
    ChunkUpdate,
    KnowledgeIndexRead,
    ReindexQueued,
)

router = APIRouter(prefix="/tenants/{tenant_id}/knowledge", tags=["knowledge"])


CHUNK_WRITE_ERRORS = problem_responses(
    Unauthorized, Forbidden, NotFound, Conflict, ValidationFailed, RateLimited, *EMBEDDING_ERRORS
)


@router.post(
    "/collections/{collection_id}/reindex",
    response_model=ReindexQueued,
    status_code=status.HTTP_202_ACCEPTED,
    responses=WRITE_ERRORS,
)
async def reindex_collection(
    collection_id: uuid.UUID, ctx: KnowledgeWrite, session: SessionDep
) -> ReindexQueued:
    """Indexes every document of the collection again; current chunks serve until replaced."""
    return await index_service.reindex_collection(session, ctx.tenant_id, collection_id)


@router.get("/index", response_model=KnowledgeIndexRead, responses=READ_ERRORS)
async def get_index(
    ctx: KnowledgeRead, session: SessionDep, request: Request
) -> KnowledgeIndexRead:
    """The embedding model behind the workspace's vectors, and a move to another one with its
    progress (the AI settings' embedding model changed: the current vectors serve until the new
    ones are all made)."""
    return await index_service.index_status(session, app_settings(request), ctx.tenant_id)


@router.post(
    "/index/rebuild",
    response_model=KnowledgeIndexRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=WRITE_ERRORS,
)
async def rebuild_index(
    ctx: KnowledgeWrite, session: SessionDep, request: Request
) -> KnowledgeIndexRead:
    """Embeds every chunk again with the configured model (also to retry a failed move)."""
    settings = app_settings(request)
    await reembedding.rebuild(session, settings, ctx.tenant_id)
    return await index_service.index_status(session, settings, ctx.tenant_id)


@router.get(
    "/documents/{document_id}/chunks", response_model=Page[ChunkRead], responses=READ_ERRORS
)
async def list_chunks(
    document_id: uuid.UUID, ctx: KnowledgeRead, session: SessionDep, page: PageDep
) -> Page[ChunkRead]:
    """The document's chunks in order, to preview what search and agents see."""
    items, total = await chunks_service.list_chunks(session, ctx.tenant_id, document_id, page)
    return Page[ChunkRead].of([ChunkRead.model_validate(c) for c in items], total, page)


@router.patch(
    "/documents/{document_id}/chunks/{chunk_id}",
    response_model=ChunkRead,
    responses=CHUNK_WRITE_ERRORS,
)
async def update_chunk(
    document_id: uuid.UUID,
    chunk_id: uuid.UUID,
    body: ChunkUpdate,
    ctx: KnowledgeWrite,
    session: SessionDep,
    request: Request,
) -> ChunkRead:
    """Corrects a chunk's text; it is embedded again at once and found by its new words."""
    chunk = await chunks_service.update_chunk_text(
        session, app_settings(request), ctx.tenant_id, document_id, chunk_id, body.text
    )
    return ChunkRead.model_validate(chunk)
