"""After a turn: the facts the customer stated, found by the model or the offline rule, stored
as memories of their contact (in the worker, never in the request)."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.agents.models import Agent
from agentplatform.ai import llm, usage
from agentplatform.ai.models import UsageOperation
from agentplatform.ai.provider_errors import ProviderError
from agentplatform.ai.resolver import resolve_chat
from agentplatform.chat.memory.extraction import (
    MEMORY_SCHEMA,
    Fact,
    extraction_messages,
    model_facts,
    rule_facts,
)
from agentplatform.chat.memory.models import ContactMemory, MemoryOrigin
from agentplatform.chat.memory.service import Source, remember
from agentplatform.chat.models import Conversation, Message, MessageRole
from agentplatform.core.scoped import find_scoped, scoped
from agentplatform.core.settings import Settings

logger = logging.getLogger(__name__)

EXTRACT_MEMORIES = "extract_contact_memories"


async def _previous_answer(session: AsyncSession, message: Message) -> str | None:
    return await session.scalar(
        scoped(select(Message.content), Message, message.tenant_id)
        .where(
            Message.conversation_id == message.conversation_id,
            Message.role == MessageRole.assistant,
            Message.created_at < message.created_at,
        )
        .order_by(Message.created_at.desc())
        .limit(1)
    )


async def _facts(
    session: AsyncSession, settings: Settings, message: Message, agent: Agent | None
) -> list[Fact]:
    resolved = await resolve_chat(
        session,
        settings,
        message.tenant_id,
        agent_provider_id=agent.provider_id if agent else None,
        agent_model=agent.model if agent else None,
    )
    if resolved.config is None:
        return rule_facts(message.content)
    previous = await _previous_answer(session, message)
    try:
        await usage.check_budget(session, message.tenant_id)
        result = await llm.chat(
            resolved.config,
            model=resolved.model,
            messages=extraction_messages(message.content, previous),  # type: ignore[arg-type]
            temperature=0,
            max_tokens=400,
            response_format=llm.json_schema_format("contact_facts", MEMORY_SCHEMA),
        )
    except ProviderError as exc:
        # Memory is worth a retry but not a failed turn: the rule still finds the plain facts.
        logger.warning("memory extraction by the model failed; using the rule", exc_info=exc)
        return rule_facts(message.content)
    call = usage.Metered(
        resolved.provider_name,
        result.model,
        result.tokens_in,
        result.tokens_out,
        result.latency_ms,
    )
    await usage.record(
        session, message.tenant_id, UsageOperation.chat, call, agent_id=agent.id if agent else None
    )
    return model_facts(result)


async def learn_from_message(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID, message_id: uuid.UUID
) -> list[ContactMemory]:
    """Memories from one customer message of a conversation with a known contact."""
    message = await find_scoped(session, Message, tenant_id, message_id)
    if message is None or message.role is not MessageRole.user:
        return []
    conversation = await find_scoped(session, Conversation, tenant_id, message.conversation_id)
    if conversation is None or conversation.contact_id is None:
        return []
    agent = await find_scoped(session, Agent, tenant_id, conversation.agent_id)
    facts = await _facts(session, settings, message, agent)
    source = Source(MemoryOrigin.conversation, conversation.id, message.id, message.created_at)
    return await remember(session, settings, tenant_id, conversation.contact_id, facts, source)
