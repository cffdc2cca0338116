"""A chat message from Kommo's `message[add]` hook, stored on the conversation of its talk.

A customer's message (`type=incoming`, author `external`) is stored and the conversation's
answer job is sent, deferred by a short quiet time so that a burst is answered once. A message
a person of the account wrote in Kommo (`outgoing`, author `user`) is stored as theirs and pauses
the agent there, as an answer in our own reader does. Messages our integration sent come back on
the same hook: they are recognised by their id (recorded when we sent them) and skipped, so the
agent never answers itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from redis.asyncio import Redis
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.agents.models import Agent
from agentplatform.chat import conversations_service as conversations
from agentplatform.chat.models import (
    Channel,
    Conversation,
    ConversationStatus,
    Message,
    MessageRole,
)
from agentplatform.chat.schemas import ContactRef
from agentplatform.core.db import utcnow
from agentplatform.core.jobs import enqueue_after_commit
from agentplatform.core.scoped import scoped
from agentplatform.core.settings import Settings
from agentplatform.kommo.answering.serving import agent_for_lead
from agentplatform.kommo.connection.models import KommoConnection
from agentplatform.kommo.connection.service import open_client

ANSWER_JOB = "kommo_answer_conversation"
TITLE_CHARS = 80
OWN_ECHO_WINDOW = timedelta(hours=1)

Outcome = Literal["queued", "stored", "own", "duplicate", "no_agent", "not_a_lead", "lead_gone"]


@dataclass(frozen=True)
class IncomingChatMessage:
    """One `message[add][i]` of Kommo's hook."""

    id: str
    chat_id: str
    talk_id: str | None
    contact_id: int | None
    text: str
    created_at: int
    entity_type: str | None  # "lead" or "contact"
    entity_id: int | None
    direction: str  # "incoming" or "outgoing"
    author_type: str | None  # "external" (the customer) or "user" (a person of the account)
    author_name: str
    origin: str | None

    @classmethod
    def from_hook(cls, item: Mapping[str, Any]) -> IncomingChatMessage:
        """From one decoded `message[add][i]` (every value a string, as Kommo sends them)."""
        found = item.get("author")
        author: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        return cls(
            id=str(item.get("id") or ""),
            chat_id=str(item.get("chat_id") or ""),
            talk_id=_text(item.get("talk_id")),
            contact_id=_number(item.get("contact_id")),
            text=str(item.get("text") or ""),
            created_at=_number(item.get("created_at")) or 0,
            entity_type=_text(item.get("entity_type")),
            entity_id=_number(item.get("entity_id") or item.get("element_id")),
            direction=str(item.get("type") or "incoming"),
            author_type=_text(author.get("type")),
            author_name=str(author.get("name") or ""),
            origin=_text(item.get("origin")),
        )


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _number(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def answer_job_id(conversation_id: uuid.UUID) -> str:
    """One answer job per conversation at a time: arq refuses a second while one waits or runs."""
    return f"kommo-answer:{conversation_id}"


def message_marker(external_id: str) -> dict[str, str]:
    return {"kommo_message_id": external_id}


async def _seen(session: AsyncSession, conversation: Conversation, external_id: str) -> bool:
    """A message with this Kommo id is stored on the conversation already (a re-delivery)."""
    found = await session.scalar(
        scoped(select(Message.id), Message, conversation.tenant_id)
        .where(
            Message.conversation_id == conversation.id,
            Message.context.contains(message_marker(external_id)),
        )
        .limit(1)
    )
    return found is not None


async def _ours(
    session: AsyncSession, conversation: Conversation, message: IncomingChatMessage
) -> bool:
    """An outgoing message is the agent's own when it repeats the agent's latest answer there
    (Kommo echoes what we sent through the hook, under its own message id)."""
    latest = await session.scalar(
        scoped(select(Message.content), Message, conversation.tenant_id)
        .where(
            Message.conversation_id == conversation.id,
            Message.role == MessageRole.assistant,
            Message.created_at > utcnow() - OWN_ECHO_WINDOW,
        )
        .order_by(Message.created_at.desc())
        .limit(1)
    )
    return latest is not None and " ".join(latest.split()) == " ".join(message.text.split())


async def _conversation(
    session: AsyncSession,
    connection: KommoConnection,
    agent: Agent,
    message: IncomingChatMessage,
    lead_id: int,
) -> Conversation:
    """The talk's conversation (one per Kommo talk, or per chat when there is no talk), made on
    first sight under a transaction lock so that two messages of a new talk make one."""
    tenant_id = connection.tenant_id
    talk_key = message.talk_id or f"chat:{message.chat_id}"
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"kommo-talk:{tenant_id}:{talk_key}"},
    )
    found = await session.scalar(
        scoped(select(Conversation), Conversation, tenant_id)
        .where(
            Conversation.channel == Channel.kommo,
            Conversation.external_talk_id == talk_key,
        )
        .order_by(Conversation.created_at.desc())
        .limit(1)
        .with_for_update()
    )
    if found is not None:
        if found.status is ConversationStatus.closed:
            found.status = ConversationStatus.open
        return found
    contact = None
    if message.contact_id is not None:
        contact = await conversations.resolve_contact(
            session,
            tenant_id,
            ContactRef(
                external_id=str(message.contact_id),
                system="kommo",
                name=message.author_name[:200] or None,
            ),
        )
    conversation = Conversation(
        tenant_id=tenant_id,
        agent_id=agent.id,
        contact_id=contact.id if contact else None,
        channel=Channel.kommo,
        title=" ".join(message.text.split())[:TITLE_CHARS] or "Kommo chat",
        external_lead_id=str(lead_id),
        external_talk_id=talk_key,
        external_chat_id=message.chat_id,
    )
    session.add(conversation)
    await session.flush()
    return conversation


async def receive_message(
    session: AsyncSession,
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    redis: Redis,
    connection: KommoConnection,
    message: IncomingChatMessage,
) -> Outcome:
    if message.entity_type != "lead" or message.entity_id is None:
        return "not_a_lead"  # a chat bound to a contact only: no pipeline, no agent serves it
    # The lead is read each time: it may have moved to a stage no agent serves since.
    async with open_client(connection, settings, redis, maker) as kommo:
        lead = await kommo.get_lead(message.entity_id, with_=())
    if lead is None:
        return "lead_gone"
    agent = await agent_for_lead(
        session, connection.tenant_id, lead.pipeline_id, lead.status_id, message.origin
    )
    if agent is None:
        return "no_agent"
    conversation = await _conversation(session, connection, agent, message, lead.id)
    if await _seen(session, conversation, message.id):
        return "duplicate"
    by_person = message.direction == "outgoing" or message.author_type == "user"
    if by_person and await _ours(session, conversation, message):
        return "own"
    conversation.agent_id = agent.id  # the lead may have moved to another agent's stage
    # Stored at the time we receive it, not Kommo's (whole seconds): the conversation's order is
    # what decides which messages an answer covers, and an answer written within the second a
    # message was sent must not sort after it.
    stored = conversations.add_message(
        session,
        conversation,
        MessageRole.human if by_person else MessageRole.user,
        message.text,
        at=utcnow(),
    )
    stored.context = {**message_marker(message.id), "kommo_created_at": message.created_at}
    if by_person:
        if agent.human_pause_minutes > 0:
            conversation.paused_until = utcnow() + timedelta(minutes=agent.human_pause_minutes)
        await session.flush()
        return "stored"
    await session.flush()
    enqueue_after_commit(
        session,
        ANSWER_JOB,
        str(connection.tenant_id),
        str(conversation.id),
        job_id=answer_job_id(conversation.id),
        defer_by=timedelta(seconds=settings.kommo_reply_quiet_seconds),
    )
    return "queued"


async def unanswered_conversations(
    session: AsyncSession, older_than: timedelta, limit: int = 200
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(tenant, conversation) of Kommo conversations whose customer wrote last, a while ago: their
    answer job was lost (Redis restarted) or refused while the previous one was finishing."""
    last_role = (
        select(Message.role)
        .where(Message.conversation_id == Conversation.id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    now = utcnow()
    rows = await session.execute(
        select(Conversation.tenant_id, Conversation.id)
        .where(
            Conversation.channel == Channel.kommo,
            Conversation.status == ConversationStatus.open,
            (Conversation.paused_until.is_(None)) | (Conversation.paused_until <= now),
            Conversation.last_message_at < now - older_than,
            Conversation.last_message_at > now - timedelta(days=1),
            last_role == MessageRole.user,
        )
        .order_by(func.random())
        .limit(limit)
    )
    return [(tenant_id, conversation_id) for tenant_id, conversation_id in rows]
