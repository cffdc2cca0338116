"""HTTP route of knowledge search."""

from __future__ import annotations

from fastapi import APIRouter, Request

from agentplatform.core.app_state import app_settings
from agentplatform.core.db import SessionDep
from agentplatform.core.errors import (
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    problem_responses,
)
from agentplatform.knowledge.deps import KnowledgeRead
from agentplatform.knowledge.http import EMBEDDING_ERRORS
from agentplatform.knowledge.search import service as search_service
from agentplatform.knowledge.search.schemas import SearchRequest, SearchResponse

router = APIRouter(prefix="/tenants/{tenant_id}/knowledge", tags=["knowledge"])


SEARCH_ERRORS = problem_responses(
    Unauthorized, Forbidden, NotFound, ValidationFailed, RateLimited, *EMBEDDING_ERRORS
)


@router.post("/search", response_model=SearchResponse, responses=SEARCH_ERRORS)
async def search_knowledge(
    body: SearchRequest, ctx: KnowledgeRead, session: SessionDep, request: Request
) -> SearchResponse:
    """Hybrid search (meaning and exact words, fused by reciprocal rank) over indexed documents."""
    return await search_service.search_response(session, app_settings(request), ctx.tenant_id, body)
