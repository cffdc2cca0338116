"""HTTP routes of contact memory: what the agents remember about a contact, and its corrections."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from agentplatform.chat.deps import ContactsWrite, ConversationsRead
from agentplatform.chat.memory import service
from agentplatform.chat.memory.extraction import Fact
from agentplatform.chat.memory.schemas import MemoryCreate, MemoryRead, MemoryUpdate
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

router = APIRouter(prefix="/tenants/{tenant_id}/contacts/{contact_id}/memories", tags=["chat"])

READ_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, RateLimited)
WRITE_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, ValidationFailed, RateLimited)


@router.get("", response_model=list[MemoryRead], responses=READ_ERRORS)
async def list_memories(
    contact_id: uuid.UUID,
    ctx: ConversationsRead,
    session: SessionDep,
    include_superseded: Annotated[
        bool, Query(description="Also the facts newer ones replaced (history)")
    ] = False,
) -> list[MemoryRead]:
    """What the agents remember about the contact, most important first."""
    memories = await service.list_memories(
        session, ctx.tenant_id, contact_id, include_superseded=include_superseded
    )
    return [MemoryRead.model_validate(m) for m in memories]


@router.post(
    "", response_model=MemoryRead, status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
async def add_memory(
    contact_id: uuid.UUID,
    body: MemoryCreate,
    ctx: ContactsWrite,
    session: SessionDep,
    request: Request,
) -> MemoryRead:
    """Adds a fact; like one the agent found, it supersedes an older value of a single-valued
    key (name, email, phone, city, company, budget)."""
    memory = await service.add_memory(
        session,
        app_settings(request),
        ctx.tenant_id,
        contact_id,
        Fact(body.key, body.value, body.importance),
    )
    return MemoryRead.model_validate(memory)


@router.patch("/{memory_id}", response_model=MemoryRead, responses=WRITE_ERRORS)
async def update_memory(
    contact_id: uuid.UUID,
    memory_id: uuid.UUID,
    body: MemoryUpdate,
    ctx: ContactsWrite,
    session: SessionDep,
    request: Request,
) -> MemoryRead:
    memory = await service.update_memory(
        session,
        app_settings(request),
        ctx.tenant_id,
        contact_id,
        memory_id,
        value=body.value,
        importance=body.importance,
    )
    return MemoryRead.model_validate(memory)


@router.delete("/{memory_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ_ERRORS)
async def delete_memory(
    contact_id: uuid.UUID, memory_id: uuid.UUID, ctx: ContactsWrite, session: SessionDep
) -> None:
    await service.delete_memory(session, ctx.tenant_id, contact_id, memory_id)
