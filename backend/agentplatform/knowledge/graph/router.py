"""HTTP routes of the knowledge graph: entities by name, one entity's facts and sources, and each
document's extraction (status, and a way to run it again)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from agentplatform.core.db import SessionDep
from agentplatform.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    problem_responses,
)
from agentplatform.core.pagination import Page, PageDep
from agentplatform.knowledge.deps import KnowledgeRead, KnowledgeWrite
from agentplatform.knowledge.graph import queries as graph_queries
from agentplatform.knowledge.graph import service as graph_service
from agentplatform.knowledge.graph.models import EntityType, Extraction, ExtractionStatus
from agentplatform.knowledge.graph.schemas import EntityDetail, EntityRead, GraphExtractionRead

router = APIRouter(prefix="/tenants/{tenant_id}/knowledge/graph", tags=["knowledge-graph"])

READ_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, RateLimited)
WRITE_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, Conflict, RateLimited)


def _extraction_read(
    document_id: uuid.UUID, title: str, row: Extraction | None
) -> GraphExtractionRead:
    return GraphExtractionRead(
        document_id=document_id,
        document_title=title,
        status=row.status if row else None,
        attempts=row.attempts if row else 0,
        last_error=row.last_error if row else None,
        extractor=row.extractor if row else None,
        entity_count=row.entity_count if row else 0,
        relation_count=row.relation_count if row else 0,
        mention_count=row.mention_count if row else 0,
        extracted_at=row.extracted_at if row else None,
        updated_at=row.updated_at if row else None,
    )


@router.get("/entities", response_model=Page[EntityRead], responses=READ_ERRORS)
async def list_entities(
    ctx: KnowledgeRead,
    session: SessionDep,
    page: PageDep,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Text in the name (names starting with it first)"),
    ] = None,
    type_filter: Annotated[EntityType | None, Query(alias="type")] = None,
) -> Page[EntityRead]:
    """Entities the documents mention, the most mentioned first."""
    items, total = await graph_queries.list_entities(
        session, ctx.tenant_id, page, q=q, type_=type_filter
    )
    return Page[EntityRead].of(items, total, page)


@router.get("/entities/{entity_id}", response_model=EntityDetail, responses=READ_ERRORS)
async def get_entity(entity_id: uuid.UUID, ctx: KnowledgeRead, session: SessionDep) -> EntityDetail:
    """The entity with the facts about it, both ways, and the documents and chunks naming it."""
    return await graph_queries.get_entity(session, ctx.tenant_id, entity_id)


@router.get("/documents", response_model=Page[GraphExtractionRead], responses=READ_ERRORS)
async def list_extractions(
    ctx: KnowledgeRead,
    session: SessionDep,
    page: PageDep,
    status_filter: Annotated[ExtractionStatus | None, Query(alias="status")] = None,
) -> Page[GraphExtractionRead]:
    """Where each document's graph extraction stands, the most recently changed first."""
    rows, total = await graph_service.list_extractions(
        session, ctx.tenant_id, page, status=status_filter
    )
    return Page[GraphExtractionRead].of(
        [_extraction_read(row.document_id, title, row) for row, title in rows], total, page
    )


@router.get("/documents/{document_id}", response_model=GraphExtractionRead, responses=READ_ERRORS)
async def get_extraction(
    document_id: uuid.UUID, ctx: KnowledgeRead, session: SessionDep
) -> GraphExtractionRead:
    """The document's graph extraction: status, counts, the extractor and, if it failed, why."""
    document, row = await graph_service.document_extraction(session, ctx.tenant_id, document_id)
    return _extraction_read(document.id, document.title, row)


@router.post(
    "/documents/{document_id}/extract",
    response_model=GraphExtractionRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=WRITE_ERRORS,
)
async def extract_document(
    document_id: uuid.UUID, ctx: KnowledgeWrite, session: SessionDep
) -> GraphExtractionRead:
    """Extracts the document's graph again from its current chunks; its facts are replaced."""
    document, row = await graph_service.request_extraction(session, ctx.tenant_id, document_id)
    return _extraction_read(document.id, document.title, row)
