"""The answer to a Kommo conversation: what the customer wrote since the agent (or a person)
last answered, answered in one turn and sent back to Kommo.

One job per conversation at a time (its arq job id), so two messages of a lead are answered in
order, never in parallel; messages that arrive while it runs are answered by its next round.
Each step is stored before the next: the answer is written (a turn, as in the chat API), then
sent, then marked delivered. A worker killed midway leaves a state the next run continues from:
an answer being written is marked failed and written again, an answer written but not sent is
sent (once: the send is idempotent on the answer's id), an answer sent is never sent again.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any, Literal

from arq import ArqRedis
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.agents.profile import load_profile
from agentplatform.chat import conversations_service as conversations
from agentplatform.chat.models import (
    Conversation,
    ConversationStatus,
    Message,
    MessageRole,
    MessageStatus,
)
from agentplatform.chat.turns import complete_turn, prepare_reply
from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.jobs import enqueue_after_commit
from agentplatform.core.scoped import get_scoped, scoped
from agentplatform.core.settings import Settings
from agentplatform.kommo.actions.reply import ReplyNotConfigured, send_reply
from agentplatform.kommo.answering.intake import ANSWER_JOB, answer_job_id
from agentplatform.kommo.answering.serving import next_opening, open_at
from agentplatform.kommo.client import KommoError
from agentplatform.kommo.connection.models import ConnectionStatus
from agentplatform.kommo.connection.service import find_connection
from agentplatform.tenancy.models import Tenant

logger = logging.getLogger(__name__)

MAX_ROUNDS = 5
DELIVERY = "kommo_delivery"
OUTSIDE_HOURS_REPEAT = timedelta(hours=12)
STOPPED = "The worker stopped while this answer was being written; it was written again."

Answered = Literal[
    "answered", "delivered", "not_sent", "quiet", "nothing", "outside_hours", "not_connected"
]


async def _last_answer_at(session: AsyncSession, conversation: Conversation) -> Any:
    return await session.scalar(
        scoped(select(Message.created_at), Message, conversation.tenant_id)
        .where(
            Message.conversation_id == conversation.id,
            (Message.role == MessageRole.human)
            | (
                (Message.role == MessageRole.assistant) & (Message.status == MessageStatus.complete)
            ),
        )
        .order_by(Message.created_at.desc())
        .limit(1)
    )


async def pending_messages(session: AsyncSession, conversation: Conversation) -> list[Message]:
    """The customer's messages since the last answer, oldest first."""
    since = await _last_answer_at(session, conversation)
    stmt = scoped(select(Message), Message, conversation.tenant_id).where(
        Message.conversation_id == conversation.id, Message.role == MessageRole.user
    )
    if since is not None:
        stmt = stmt.where(Message.created_at > since)
    return list(await session.scalars(stmt.order_by(Message.created_at, Message.id)))


async def _undelivered(session: AsyncSession, conversation: Conversation) -> Message | None:
    """The latest complete answer, when it was never sent to Kommo."""
    latest = await session.scalar(
        scoped(select(Message), Message, conversation.tenant_id)
        .where(
            Message.conversation_id == conversation.id,
            Message.role == MessageRole.assistant,
            Message.status == MessageStatus.complete,
        )
        .order_by(Message.created_at.desc())
        .limit(1)
    )
    if latest is None or DELIVERY in latest.context or not latest.content.strip():
        return None
    return latest


async def _fail_abandoned(session: AsyncSession, conversation: Conversation) -> None:
    await session.execute(
        update(Message)
        .where(
            Message.tenant_id == conversation.tenant_id,
            Message.conversation_id == conversation.id,
            Message.status == MessageStatus.streaming,
        )
        .values(status=MessageStatus.failed, error=STOPPED)
    )


def _quiet(conversation: Conversation) -> bool:
    if conversation.status is not ConversationStatus.open:
        return True
    return conversation.paused_until is not None and conversation.paused_until > utcnow()


async def _outside_hours(
    session: AsyncSession, settings: Settings, conversation: Conversation, redis: ArqRedis | None
) -> Message | Literal[False] | None:
    """Outside the agent's hours: its away message (at most every 12 h; the customer's messages
    then count as answered until the hours begin), or None to wait. False: within hours."""
    agent = await load_profile(session, redis, conversation.tenant_id, conversation.agent_id)
    tenant = await session.get(Tenant, conversation.tenant_id)
    zone = tenant.timezone if tenant else "UTC"
    now = utcnow()
    if open_at(agent.working_hours, zone, now):
        return False
    opening = next_opening(agent.working_hours, zone, now)
    if opening is not None:  # answered when the hours begin (the job waits for then)
        enqueue_after_commit(
            session,
            ANSWER_JOB,
            str(conversation.tenant_id),
            str(conversation.id),
            job_id=f"{answer_job_id(conversation.id)}:opening",
            defer_by=opening - now + timedelta(seconds=5),
        )
    away = (agent.working_hours or {}).get("outside_hours_message") or ""
    if not away:
        return None
    recent = await session.scalar(
        scoped(select(Message.id), Message, conversation.tenant_id)
        .where(
            Message.conversation_id == conversation.id,
            Message.role == MessageRole.assistant,
            Message.context["kind"].astext == "outside_hours",
            Message.created_at > now - OUTSIDE_HOURS_REPEAT,
        )
        .limit(1)
    )
    if recent is not None:
        return None
    message = conversations.add_message(session, conversation, MessageRole.assistant, away)
    message.context = {"kind": "outside_hours"}
    message.provider = "working hours"
    await session.flush()
    return message


async def answer_conversation(
    maker: async_sessionmaker[AsyncSession],
    arq: ArqRedis | None,
    settings: Settings,
    redis: ArqRedis,
    tenant_id: uuid.UUID,
    conversation_id: uuid.UUID,
) -> Answered:
    outcome: Answered = "nothing"
    for _ in range(MAX_ROUNDS):
        async with unit_of_work(maker, arq) as session:
            conversation = await get_scoped(
                session, Conversation, tenant_id, conversation_id, "Conversation not found"
            )
            connection = await find_connection(session, tenant_id)
            if connection is None or connection.status is not ConnectionStatus.connected:
                return "not_connected"
            undelivered = await _undelivered(session, conversation)
            turn = None
            if undelivered is None:
                if _quiet(conversation):
                    return "quiet" if outcome == "nothing" else outcome
                pending = await pending_messages(session, conversation)
                if not pending:
                    return outcome
                away = await _outside_hours(session, settings, conversation, arq)
                if away is None:
                    return "outside_hours"
                if away is False:
                    await _fail_abandoned(session, conversation)
                    turn = await prepare_reply(session, settings, arq, conversation, pending)
                else:
                    undelivered = away
            answer_id = undelivered.id if undelivered is not None else None
        if turn is not None:
            reply = await complete_turn(maker, arq, settings, turn)
            answer_id = reply.message.id
            outcome = "answered"
        assert answer_id is not None
        if not await deliver(maker, arq, settings, redis, tenant_id, answer_id):
            return "not_sent"  # kept on the message; sent with the conversation's next job
        if outcome == "nothing":
            outcome = "delivered"
    return outcome


async def deliver(
    maker: async_sessionmaker[AsyncSession],
    arq: ArqRedis | None,
    settings: Settings,
    redis: ArqRedis,
    tenant_id: uuid.UUID,
    message_id: uuid.UUID,
) -> bool:
    """Sends a stored answer to the conversation's Kommo chat, once."""
    async with unit_of_work(maker, arq) as session:
        message = await get_scoped(session, Message, tenant_id, message_id, "Message not found")
        if DELIVERY in message.context or not message.content.strip():
            return False
        conversation = await get_scoped(
            session, Conversation, tenant_id, message.conversation_id, "Conversation not found"
        )
        connection = await find_connection(session, tenant_id)
        if connection is None:
            return False
        # A reply salesbot works in any channel; without one the chat must be our own channel's.
        by_salesbot = connection.reply_salesbot_id is not None
        try:
            sent = await send_reply(
                session,
                maker,
                settings,
                redis,
                connection,
                lead_id=int(conversation.external_lead_id)
                if conversation.external_lead_id
                else None,
                text=message.content,
                key=f"reply:{message.id}",
                chat_id=None if by_salesbot else conversation.external_chat_id,
                kommo_chat_id=conversation.external_chat_id,
            )
        except (KommoError, ReplyNotConfigured) as exc:
            # Kept for people to see; sent again with the conversation's next answer job.
            message.error = f"Not sent to Kommo: {exc.detail or exc}"
            logger.warning("kommo reply not sent", extra={"message_id": str(message.id)})
            return False
        record = {"via": sent.via, "message_id": sent.message_id, "at": utcnow().isoformat()}
        message.context = {**message.context, DELIVERY: record}
        message.error = None
        await session.flush()
        return True
