"""One agent turn: the customer's message stored, the context built, the answer written (streamed
or not) and stored with what it used and cost.

A turn holds no database connection while the model writes: `prepare_turn` runs in one unit of
work (contact, conversation, the user's message, retrieval, the assistant's message as
`streaming`), the model is called outside any transaction, and `finish_turn` stores the outcome
in another. An answer that fails midway (provider error, client gone) keeps what was written,
marked `failed` with the reason, so nothing a customer saw is lost.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

import anyio
from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.agents.profile import AgentProfile, load_profile
from agentplatform.agents.schemas import AgentTool
from agentplatform.ai import usage
from agentplatform.ai.provider_errors import ProviderError
from agentplatform.ai.resolver import Resolved, resolve_chat
from agentplatform.ai.tokens import tokenizer_for
from agentplatform.chat import conversations_service as conversations
from agentplatform.chat import crm
from agentplatform.chat.context import (
    ContextBundle,
    ContextInput,
    GraphFact,
    Memory,
    Passage,
    Turn,
    assemble,
)
from agentplatform.chat.generation import (
    Generated,
    GenerationRequest,
    Item,
    Token,
    ToolEvent,
    generate,
    record_usage,
)
from agentplatform.chat.memory.learning import EXTRACT_MEMORIES
from agentplatform.chat.memory.service import recall
from agentplatform.chat.models import Channel, Conversation, Message, MessageRole, MessageStatus
from agentplatform.chat.schemas import ChatReply, ChatRequest
from agentplatform.chat.tools import ToolRunner, offered
from agentplatform.chat.views import citations, inspection, message_read
from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.errors import FieldError, Problem, ProblemError, ValidationFailed
from agentplatform.core.jobs import enqueue_after_commit
from agentplatform.core.scoped import get_scoped
from agentplatform.core.settings import Settings
from agentplatform.knowledge.context import KnowledgeContext, knowledge_context

DISCONNECTED = "The client disconnected before the answer was finished."


@dataclass
class PreparedTurn:
    tenant_id: uuid.UUID
    agent: AgentProfile
    conversation_id: uuid.UUID
    user_message_id: uuid.UUID
    message_id: uuid.UUID
    contact_id: uuid.UUID | None
    lead_id: str | None
    resolved: Resolved
    bundle: ContextBundle
    test: bool
    started: float
    retrieval_ms: int
    context_ms: int


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


async def _knowledge(
    session: AsyncSession, settings: Settings, agent: AgentProfile, tenant_id: uuid.UUID, text: str
) -> KnowledgeContext | None:
    if AgentTool.knowledge_search.value not in agent.tools:
        return None
    return await knowledge_context(
        session, settings, tenant_id, query=text, knowledge_scope=agent.knowledge
    )


async def _as_lead(
    session: AsyncSession, tenant_id: uuid.UUID, conversation: Conversation, body: ChatRequest
) -> None:
    """A test conversation bound to a CRM lead: its facts in the context, its actions dry runs."""

    def refused(message: str, code: str) -> ValidationFailed:
        return ValidationFailed(
            message, errors=[FieldError.at("body.kommo_lead_id", message, code)]
        )

    if body.mode != "test" or conversation.channel is not Channel.test:
        raise refused("A conversation can be bound to a lead in test mode only", "test_only")
    if await crm.gateway_for(session, tenant_id) is None:
        raise refused("No CRM is connected to this workspace", "not_connected")
    lead_id = str(body.kommo_lead_id)
    if conversation.external_lead_id not in (None, lead_id):
        raise refused("This conversation is bound to another lead", "wrong_lead")
    conversation.external_lead_id = lead_id


async def prepare_turn(
    session: AsyncSession,
    settings: Settings,
    redis: ArqRedis | None,
    tenant_id: uuid.UUID,
    agent_id: uuid.UUID,
    body: ChatRequest,
) -> PreparedTurn:
    started = time.perf_counter()
    agent = await load_profile(session, redis, tenant_id, agent_id)
    contact = None
    if body.contact is not None:
        contact = await conversations.resolve_contact(session, tenant_id, body.contact)
    channel = Channel.test if body.mode == "test" else Channel.api
    conversation = await conversations.conversation_for_turn(
        session, tenant_id, agent.id, body.conversation_id, contact, channel, body.message
    )
    if body.kommo_lead_id is not None:
        await _as_lead(session, tenant_id, conversation, body)
    turns = await conversations.history(session, tenant_id, conversation.id)
    user = conversations.add_message(session, conversation, MessageRole.user, body.message)
    return await _prepare(
        session,
        settings,
        redis,
        agent,
        conversation,
        turns,
        body.message,
        user,
        test=body.mode == "test",
        started=started,
    )


async def prepare_reply(
    session: AsyncSession,
    settings: Settings,
    redis: ArqRedis | None,
    conversation: Conversation,
    pending: list[Message],
) -> PreparedTurn:
    """A live turn answering what the customer already wrote: messages stored as they arrived
    (a channel such as Kommo), answered together, the latest one as the turn's message."""
    started = time.perf_counter()
    agent = await load_profile(session, redis, conversation.tenant_id, conversation.agent_id)
    pending_ids = {message.id for message in pending}
    turns = [
        turn
        for turn in await conversations.history(session, conversation.tenant_id, conversation.id)
        if turn.id not in pending_ids
    ]
    text = "\n".join(message.content for message in pending)
    return await _prepare(
        session,
        settings,
        redis,
        agent,
        conversation,
        turns,
        text,
        pending[-1],
        test=False,
        started=started,
    )


async def _prepare(
    session: AsyncSession,
    settings: Settings,
    redis: ArqRedis | None,
    agent: AgentProfile,
    conversation: Conversation,
    turns: list[Turn],
    text: str,
    user: Message,
    *,
    test: bool,
    started: float,
) -> PreparedTurn:
    tenant_id = conversation.tenant_id
    resolved = await resolve_chat(
        session, settings, tenant_id, agent_provider_id=agent.provider_id, agent_model=agent.model
    )
    if resolved.config is not None:
        await usage.check_budget(session, tenant_id)

    retrieval_started = time.perf_counter()
    found = await _knowledge(session, settings, agent, tenant_id, text)
    memories = []
    if conversation.contact_id is not None:
        recalled = await recall(session, settings, tenant_id, conversation.contact_id, text)
        memories = [Memory(r.memory.id, r.memory.text, round(r.score, 4)) for r in recalled]
    crm_facts = await crm.lead_facts(
        session, tenant_id, conversation.external_lead_id, env=crm.CrmEnv(settings, redis)
    )
    retrieval_ms = _ms(retrieval_started)
    context_started = time.perf_counter()
    bundle = assemble(
        tokenizer_for(resolved.model if resolved.config is not None else None),
        ContextInput(
            instructions=agent.instructions,
            language=agent.language,
            message=text,
            history=turns,
            passages=[
                Passage(p.chunk_id, p.document_id, p.document_title, p.text, p.score)
                for p in (found.passages if found else [])
            ],
            facts=[
                GraphFact(f.text, f.chunk_id, f.document_id, f.document_title, f.confidence)
                for f in (found.facts if found else [])
            ],
            budget=settings.chat_context_tokens - agent.max_output_tokens,
            memories=memories,
            crm_facts=crm_facts,
        ),
    )
    context_ms = _ms(context_started)
    answer = conversations.add_message(
        session, conversation, MessageRole.assistant, "", MessageStatus.streaming
    )
    await session.flush()
    return PreparedTurn(
        tenant_id=tenant_id,
        agent=agent,
        conversation_id=conversation.id,
        user_message_id=user.id,
        message_id=answer.id,
        contact_id=conversation.contact_id,
        lead_id=conversation.external_lead_id,
        resolved=resolved,
        bundle=bundle,
        test=test,
        started=started,
        retrieval_ms=retrieval_ms,
        context_ms=context_ms,
    )


def _context_record(bundle: ContextBundle) -> dict[str, Any]:
    """What a stored message keeps of its context: ids, scores and tokens, not the text."""
    return {
        "tokenizer": bundle.tokenizer,
        "exact": bundle.exact,
        "budget": bundle.budget,
        "total_tokens": bundle.total_tokens,
        "sections": [
            {
                "name": s.name,
                "tokens": s.tokens,
                "items": [{"id": i.id, "tokens": i.tokens, "score": i.score} for i in s.items],
                "dropped": s.dropped,
                "truncated": s.truncated,
            }
            for s in bundle.sections
        ],
    }


async def finish_turn(
    session: AsyncSession,
    turn: PreparedTurn,
    *,
    text: str,
    generated: Generated | None,
    error: str | None = None,
) -> Message:
    message = await get_scoped(
        session, Message, turn.tenant_id, turn.message_id, "Message not found"
    )
    message.content = text
    message.status = MessageStatus.complete if error is None else MessageStatus.failed
    message.error = error
    message.context = _context_record(turn.bundle)
    message.provider = generated.provider if generated else turn.resolved.provider_name
    message.model = generated.model if generated else turn.resolved.model
    message.offline = turn.resolved.config is None
    message.latency = {
        "retrieval_ms": turn.retrieval_ms,
        "context_ms": turn.context_ms,
        "first_token_ms": generated.first_token_ms if generated else 0,
        "generation_ms": generated.generation_ms if generated else 0,
        "total_ms": _ms(turn.started),
    }
    if generated is not None:
        message.tokens_in = generated.tokens_in
        message.tokens_out = generated.tokens_out
        message.citations = citations(turn.bundle, generated.cited, generated.used_facts)
        message.tool_calls = [run.as_record() for run in generated.tool_runs]
        message.context = {
            **message.context,
            "steps": generated.steps,
            "step_limit_reached": generated.step_limit_reached,
            "kind": generated.kind,
        }
        await record_usage(session, turn.tenant_id, turn.agent.id, generated)
    conversation = await conversations.get_conversation(
        session, turn.tenant_id, turn.conversation_id
    )
    conversation.last_message_at = utcnow()
    if turn.contact_id is not None:
        enqueue_after_commit(
            session,
            EXTRACT_MEMORIES,
            str(turn.tenant_id),
            str(turn.user_message_id),
            job_id=f"memory:{turn.user_message_id}",
        )
    await session.flush()
    return message


def _reply(turn: PreparedTurn, message: Message, generated: Generated | None) -> ChatReply:
    return ChatReply(
        conversation_id=turn.conversation_id,
        user_message_id=turn.user_message_id,
        message=message_read(message),
        context=inspection(turn.bundle, generated) if turn.test else None,
    )


async def _finish(
    maker: async_sessionmaker[AsyncSession],
    arq: ArqRedis | None,
    turn: PreparedTurn,
    text: str,
    generated: Generated | None,
    error: str | None = None,
) -> ChatReply:
    async with unit_of_work(maker, arq) as session:
        message = await finish_turn(session, turn, text=text, generated=generated, error=error)
        return _reply(turn, message, generated)


def _generation(
    maker: async_sessionmaker[AsyncSession],
    arq: ArqRedis | None,
    settings: Settings,
    turn: PreparedTurn,
    *,
    stream: bool,
) -> AsyncGenerator[Item]:
    runner = ToolRunner(
        maker=maker,
        arq=arq,
        settings=settings,
        tenant_id=turn.tenant_id,
        conversation_id=turn.conversation_id,
        contact_id=turn.contact_id,
        lead_id=turn.lead_id,
        allowed=frozenset(turn.agent.tools),
        knowledge_scope=turn.agent.knowledge,
        test=turn.test,
        passages=turn.bundle.passages,
        message_id=turn.message_id,
    )
    return generate(
        GenerationRequest.for_agent(
            turn.agent,
            settings,
            turn.resolved,
            turn.bundle,
            runner,
            stream=stream,
            tools=offered(turn.agent.tools, has_contact=turn.contact_id is not None),
            max_steps=settings.chat_max_tool_steps,
        )
    )


async def complete_turn(
    maker: async_sessionmaker[AsyncSession],
    arq: ArqRedis | None,
    settings: Settings,
    turn: PreparedTurn,
) -> ChatReply:
    """The whole answer at once; a provider's failure is stored on the message, then raised."""
    generated: Generated | None = None
    try:
        async with aclosing(_generation(maker, arq, settings, turn, stream=False)) as items:
            async for item in items:
                if isinstance(item, Generated):
                    generated = item
    except ProviderError as exc:
        with anyio.CancelScope(shield=True):
            await _finish(maker, arq, turn, "", None, exc.detail or exc.title)
        raise
    assert generated is not None
    return await _finish(maker, arq, turn, generated.text, generated)


@dataclass(frozen=True)
class StreamEvent:
    event: str
    data: Any


async def stream_turn(
    maker: async_sessionmaker[AsyncSession],
    arq: ArqRedis | None,
    settings: Settings,
    turn: PreparedTurn,
) -> AsyncGenerator[StreamEvent]:
    """Events of a streamed answer: `start`, `context` (test mode), `token`..., `citations`,
    `message`; or `error` (the partial answer stored as failed). Closing the iterator early (the
    client went away) stops the model and stores what was written as failed."""
    parts: list[str] = []
    finished = False
    try:
        yield StreamEvent(
            "start",
            {
                "conversation_id": str(turn.conversation_id),
                "user_message_id": str(turn.user_message_id),
                "message_id": str(turn.message_id),
            },
        )
        if turn.test:
            yield StreamEvent("context", inspection(turn.bundle, None))
        generated: Generated | None = None
        async with aclosing(_generation(maker, arq, settings, turn, stream=True)) as items:
            async for item in items:
                if isinstance(item, Token):
                    parts.append(item.text)
                    yield StreamEvent("token", {"text": item.text})
                elif isinstance(item, ToolEvent):
                    yield StreamEvent("tool_call", item.run.as_record())
                else:
                    generated = item
        assert generated is not None
        reply = await _finish(maker, arq, turn, generated.text, generated)
        finished = True
        yield StreamEvent("citations", reply.message.citations)
        yield StreamEvent("message", reply)
    except ProblemError as exc:
        with anyio.CancelScope(shield=True):
            await _finish(maker, arq, turn, "".join(parts), None, exc.detail or exc.title)
        finished = True
        problem = Problem(
            type=exc.type_uri(), title=exc.title, status=exc.status, detail=exc.detail
        )
        yield StreamEvent("error", problem)
    finally:
        if not finished:
            with anyio.CancelScope(shield=True):
                await _finish(maker, arq, turn, "".join(parts), None, DISCONNECTED)
