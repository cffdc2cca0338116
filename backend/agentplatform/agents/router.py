"""HTTP routes for agents: CRUD, duplicate, revisions (view, restore), export and import, and
knowledge search as the agent sees it (its preview is a chat route: `chat/router.py`)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from agentplatform.agents import knowledge_service, service
from agentplatform.agents.deps import AgentsKnowledgeRead, AgentsRead, AgentsWrite
from agentplatform.agents.models import AgentStatus
from agentplatform.agents.schemas import (
    AgentCreate,
    AgentExport,
    AgentRead,
    AgentSummary,
    AgentUpdate,
    RevisionDetail,
    RevisionRead,
)
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
from agentplatform.core.pagination import Page, PageDep
from agentplatform.knowledge.http import EMBEDDING_ERRORS
from agentplatform.knowledge.search.schemas import SearchRequest, SearchResponse

router = APIRouter(prefix="/tenants/{tenant_id}/agents", tags=["agents"])

READ_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, RateLimited)
WRITE_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, ValidationFailed, RateLimited)


@router.get("", response_model=Page[AgentSummary], responses=READ_ERRORS)
async def list_agents(
    ctx: AgentsRead,
    session: SessionDep,
    page: PageDep,
    status_filter: Annotated[AgentStatus | None, Query(alias="status")] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Text in name or description")
    ] = None,
) -> Page[AgentSummary]:
    items, total = await service.list_agents(
        session, ctx.tenant_id, page, status=status_filter, q=q
    )
    return Page[AgentSummary].of([AgentSummary.model_validate(a) for a in items], total, page)


@router.post(
    "", response_model=AgentRead, status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
async def create_agent(body: AgentCreate, ctx: AgentsWrite, session: SessionDep) -> AgentRead:
    agent = await service.create_agent(session, ctx.tenant_id, body, ctx.actor)
    return AgentRead.model_validate(agent)


@router.post(
    "/import", response_model=AgentRead, status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
async def import_agent(body: AgentExport, ctx: AgentsWrite, session: SessionDep) -> AgentRead:
    """Creates an agent from an export (its provider is matched by name)."""
    agent = await service.import_agent(session, ctx.tenant_id, body, ctx.actor)
    return AgentRead.model_validate(agent)


@router.get("/{agent_id}", response_model=AgentRead, responses=READ_ERRORS)
async def get_agent(agent_id: uuid.UUID, ctx: AgentsRead, session: SessionDep) -> AgentRead:
    return AgentRead.model_validate(await service.get_agent(session, ctx.tenant_id, agent_id))


@router.patch("/{agent_id}", response_model=AgentRead, responses=WRITE_ERRORS)
async def update_agent(
    agent_id: uuid.UUID, body: AgentUpdate, ctx: AgentsWrite, session: SessionDep
) -> AgentRead:
    """Changes the agent; every change that alters something is kept as a revision."""
    agent = await service.update_agent(session, ctx.tenant_id, agent_id, body, ctx.actor)
    return AgentRead.model_validate(agent)


@router.delete("/{agent_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ_ERRORS)
async def delete_agent(agent_id: uuid.UUID, ctx: AgentsWrite, session: SessionDep) -> None:
    await service.delete_agent(session, ctx.tenant_id, agent_id)


@router.post(
    "/{agent_id}/duplicate",
    response_model=AgentRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def duplicate_agent(agent_id: uuid.UUID, ctx: AgentsWrite, session: SessionDep) -> AgentRead:
    agent = await service.duplicate_agent(session, ctx.tenant_id, agent_id, ctx.actor)
    return AgentRead.model_validate(agent)


@router.post(
    "/{agent_id}/search",
    response_model=SearchResponse,
    responses=problem_responses(
        Unauthorized, Forbidden, NotFound, ValidationFailed, RateLimited, *EMBEDDING_ERRORS
    ),
)
async def search_agent_knowledge(
    agent_id: uuid.UUID,
    body: SearchRequest,
    ctx: AgentsKnowledgeRead,
    session: SessionDep,
    request: Request,
) -> SearchResponse:
    """Knowledge search limited to what the agent may read (its documents and collections)."""
    return await knowledge_service.search_knowledge(
        session, app_settings(request), ctx.tenant_id, agent_id, body
    )


@router.get("/{agent_id}/export", response_model=AgentExport, responses=READ_ERRORS)
async def export_agent(agent_id: uuid.UUID, ctx: AgentsRead, session: SessionDep) -> AgentExport:
    """The agent as portable JSON, to import into this or another workspace."""
    return await service.export_agent(session, ctx.tenant_id, agent_id)


@router.get("/{agent_id}/revisions", response_model=Page[RevisionRead], responses=READ_ERRORS)
async def list_revisions(
    agent_id: uuid.UUID, ctx: AgentsRead, session: SessionDep, page: PageDep
) -> Page[RevisionRead]:
    items, total = await service.list_revisions(session, ctx.tenant_id, agent_id, page)
    return Page[RevisionRead].of([RevisionRead.model_validate(r) for r in items], total, page)


@router.get("/{agent_id}/revisions/{version}", response_model=RevisionDetail, responses=READ_ERRORS)
async def get_revision(
    agent_id: uuid.UUID, version: int, ctx: AgentsRead, session: SessionDep
) -> RevisionDetail:
    revision = await service.get_revision(session, ctx.tenant_id, agent_id, version)
    return RevisionDetail.model_validate(revision)


@router.post(
    "/{agent_id}/revisions/{version}/restore", response_model=AgentRead, responses=WRITE_ERRORS
)
async def restore_revision(
    agent_id: uuid.UUID, version: int, ctx: AgentsWrite, session: SessionDep
) -> AgentRead:
    """Makes that version's configuration current again, as a new revision."""
    agent = await service.restore_revision(session, ctx.tenant_id, agent_id, version, ctx.actor)
    return AgentRead.model_validate(agent)
