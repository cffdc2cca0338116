"""HTTP routes of chat: an agent's turn (JSON or Server-Sent Events), conversations, contacts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import Response

from agentplatform.agents.deps import AgentsWrite
from agentplatform.agents.schemas import AgentPreviewReply, AgentPreviewRequest
from agentplatform.ai.provider_errors import PROVIDER_ERRORS
from agentplatform.ai.usage import TokenBudgetExceeded
from agentplatform.chat import conversations_service as service
from agentplatform.chat import preview, turns
from agentplatform.chat.deps import ChatWrite, ContactsWrite, ConversationsRead
from agentplatform.chat.models import Channel, ConversationStatus
from agentplatform.chat.schemas import (
    ChatReply,
    ChatRequest,
    ContactRead,
    ConversationDetail,
    ConversationRead,
    HumanMessageCreate,
    MessageRead,
)
from agentplatform.chat.sse import SSE_RESPONSE, EventStream, encoded
from agentplatform.chat.views import contact_read, message_read
from agentplatform.core.app_state import app_arq, app_sessionmaker, app_settings
from agentplatform.core.db import SessionDep, commit_early
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

router = APIRouter(prefix="/tenants/{tenant_id}", tags=["chat"])
# The preview stays where integrators and the SPA know it: an agents operation.
preview_router = APIRouter(prefix="/tenants/{tenant_id}/agents", tags=["agents"])

READ_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, RateLimited)
CHAT_ERRORS = problem_responses(
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    ValidationFailed,
    RateLimited,
    TokenBudgetExceeded,
    *PROVIDER_ERRORS,
)


@router.post(
    "/agents/{agent_id}/chat",
    response_model=ChatReply,
    responses={**CHAT_ERRORS, 200: SSE_RESPONSE},
)
async def chat(
    agent_id: uuid.UUID, body: ChatRequest, ctx: ChatWrite, session: SessionDep, request: Request
) -> ChatReply | Response:
    """The agent answers `message` in a conversation (a new one without `conversation_id`).

    The answer cites the passages it used; in `test` mode it comes with `context`, exactly what
    the model was given. With `stream: true` the answer is sent as Server-Sent Events; a client
    that disconnects stops the generation and the partial answer is stored as failed. With no AI
    provider configured the offline responder answers (`offline: true`).
    """
    settings, arq = app_settings(request), app_arq(request)
    turn = await turns.prepare_turn(session, settings, arq, ctx.tenant_id, agent_id, body)
    await commit_early(session, arq)
    maker = app_sessionmaker(request)
    if body.stream:
        return EventStream(encoded(turns.stream_turn(maker, arq, settings, turn)))
    return await turns.complete_turn(maker, arq, settings, turn)


@preview_router.post("/{agent_id}/preview", response_model=AgentPreviewReply, responses=CHAT_ERRORS)
async def preview_reply(
    agent_id: uuid.UUID,
    body: AgentPreviewRequest,
    ctx: AgentsWrite,
    session: SessionDep,
    request: Request,
) -> AgentPreviewReply:
    """The agent's reply, as configured now, to a conversation and the knowledge given.

    It is built as a turn is, but stored nowhere and running no tools. With no passages given,
    the agent looks them up in the knowledge it may read, with facts from the knowledge graph,
    and `context` lists what it found and used. With no AI provider configured the offline
    responder answers (`offline: true`).
    """
    return await preview.preview_reply(
        session,
        app_settings(request),
        app_arq(request),
        ctx.tenant_id,
        agent_id,
        body,
    )


@router.get("/conversations", response_model=Page[ConversationRead], responses=READ_ERRORS)
async def list_conversations(
    ctx: ConversationsRead,
    session: SessionDep,
    page: PageDep,
    agent_id: uuid.UUID | None = None,
    contact_id: uuid.UUID | None = None,
    channel: Channel | None = None,
    status_filter: Annotated[ConversationStatus | None, Query(alias="status")] = None,
) -> Page[ConversationRead]:
    items, total = await service.list_conversations(
        session,
        ctx.tenant_id,
        page,
        agent_id=agent_id,
        contact_id=contact_id,
        channel=channel,
        status=status_filter,
    )
    return Page[ConversationRead].of(
        [ConversationRead.model_validate(c) for c in items], total, page
    )


@router.get(
    "/conversations/{conversation_id}", response_model=ConversationDetail, responses=READ_ERRORS
)
async def get_conversation(
    conversation_id: uuid.UUID, ctx: ConversationsRead, session: SessionDep
) -> ConversationDetail:
    conversation = await service.get_conversation(session, ctx.tenant_id, conversation_id)
    messages = await service.conversation_messages(session, ctx.tenant_id, conversation.id)
    return ConversationDetail.model_validate(
        {
            **ConversationRead.model_validate(conversation).model_dump(),
            "messages": [message_read(m) for m in messages],
        }
    )


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=MessageRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(Unauthorized, Forbidden, NotFound, ValidationFailed, RateLimited),
)
async def add_human_message(
    conversation_id: uuid.UUID, body: HumanMessageCreate, ctx: ChatWrite, session: SessionDep
) -> MessageRead:
    """A person of the workspace answers in the conversation; the agent stays quiet there for
    its `human_pause_minutes`."""
    message = await service.add_human_message(session, ctx.tenant_id, conversation_id, body.content)
    return message_read(message)


@router.post(
    "/conversations/{conversation_id}/resume",
    response_model=ConversationRead,
    responses=READ_ERRORS,
)
async def resume_conversation(
    conversation_id: uuid.UUID, ctx: ChatWrite, session: SessionDep
) -> ConversationRead:
    """The agent answers the conversation again, after a hand-off or a person's answer."""
    conversation = await service.resume_conversation(session, ctx.tenant_id, conversation_id)
    return ConversationRead.model_validate(conversation)


@router.get("/contacts", response_model=Page[ContactRead], responses=READ_ERRORS)
async def list_contacts(
    ctx: ConversationsRead,
    session: SessionDep,
    page: PageDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Text in name, e-mail or phone")
    ] = None,
) -> Page[ContactRead]:
    items, total = await service.list_contacts(session, ctx.tenant_id, page, q)
    ids = await service.external_ids(session, ctx.tenant_id, [c.id for c in items])
    return Page[ContactRead].of([contact_read(c, ids[c.id]) for c in items], total, page)


@router.get("/contacts/{contact_id}", response_model=ContactRead, responses=READ_ERRORS)
async def get_contact(
    contact_id: uuid.UUID, ctx: ConversationsRead, session: SessionDep
) -> ContactRead:
    contact = await service.get_contact(session, ctx.tenant_id, contact_id)
    ids = await service.external_ids(session, ctx.tenant_id, [contact.id])
    return contact_read(contact, ids[contact.id])


@router.delete(
    "/contacts/{contact_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ_ERRORS
)
async def delete_contact(contact_id: uuid.UUID, ctx: ContactsWrite, session: SessionDep) -> None:
    """Forgets the contact: its conversations and messages are deleted with it."""
    await service.delete_contact(session, ctx.tenant_id, contact_id)
