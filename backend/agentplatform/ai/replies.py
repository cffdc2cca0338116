"""One reply from an agent: the resolved provider's model, or the offline responder without one."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.ai import llm, usage
from agentplatform.ai.local_embedder import aget_local_embedder
from agentplatform.ai.models import UsageOperation
from agentplatform.ai.offline_responder import ChatMessage, OfflineResponder, Passage
from agentplatform.ai.resolver import resolve_chat
from agentplatform.ai.schemas import ModelSource
from agentplatform.ai.usage import Metered
from agentplatform.core.settings import Settings


@dataclass(frozen=True)
class AgentProfile:
    """What of an agent a reply needs (kept apart from the ORM so callers pass plain values)."""

    id: uuid.UUID | None
    instructions: str
    greeting: str
    language: str
    provider_id: uuid.UUID | None
    model: str | None
    temperature: float
    max_output_tokens: int


@dataclass(frozen=True)
class Reply:
    text: str
    offline: bool
    provider: str
    model: str
    model_source: ModelSource
    used_passages: list[int]
    tokens_in: int
    tokens_out: int
    latency_ms: int
    kind: Literal["answer", "fallback", "greeting"] = "answer"


_responders: dict[int, OfflineResponder] = {}


async def offline_responder(settings: Settings) -> OfflineResponder:
    """One responder per embedder (it caches its calibration vectors)."""
    embedder = await aget_local_embedder(settings.local_embedding_model_path)
    key = id(embedder)
    if key not in _responders:
        _responders[key] = OfflineResponder(embedder)
    return _responders[key]


def system_prompt(agent: AgentProfile, passages: list[Passage]) -> str:
    parts = [agent.instructions.strip() or "You are a helpful sales assistant."]
    parts.append(f"Answer in the language with code '{agent.language}'.")
    if passages:
        knowledge = "\n\n".join(
            f"[{i + 1}] {p.get('title') or 'Untitled'}\n{p['text']}" for i, p in enumerate(passages)
        )
        parts.append(
            "Answer from this knowledge when it is relevant; if it does not cover the question, "
            f"say so rather than guessing.\n\n{knowledge}"
        )
    return "\n\n".join(parts)


async def reply(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    agent: AgentProfile,
    conversation: list[ChatMessage],
    passages: list[Passage],
) -> Reply:
    resolved = await resolve_chat(
        session,
        settings,
        tenant_id,
        agent_provider_id=agent.provider_id,
        agent_model=agent.model,
    )
    if resolved.config is None:
        responder = await offline_responder(settings)
        started = time.perf_counter()
        answer = await responder.aanswer(
            instructions=agent.instructions,
            greeting=agent.greeting or None,
            language=agent.language,
            conversation=conversation,
            passages=passages,
        )
        latency_ms = int((time.perf_counter() - started) * 1000)
        result = Reply(
            text=answer.text,
            offline=True,
            provider="offline",
            model=answer.model,
            model_source="offline",
            used_passages=answer.used_passages,
            tokens_in=answer.tokens_in,
            tokens_out=answer.tokens_out,
            latency_ms=latency_ms,
            kind=answer.kind,
        )
    else:
        await usage.check_budget(session, tenant_id)
        messages: list[llm.ChatMessage] = [
            {"role": "system", "content": system_prompt(agent, passages)}
        ]
        for message in conversation:
            if message["role"] == "assistant":
                messages.append({"role": "assistant", "content": message["content"]})
            else:
                messages.append({"role": "user", "content": message["content"]})
        chat = await llm.chat(
            resolved.config,
            model=resolved.model,
            messages=messages,
            temperature=agent.temperature,
            max_tokens=agent.max_output_tokens,
        )
        result = Reply(
            text=chat.text,
            offline=False,
            provider=resolved.provider_name,
            model=chat.model or resolved.model,
            model_source=resolved.source,
            used_passages=list(range(len(passages))),
            tokens_in=chat.tokens_in,
            tokens_out=chat.tokens_out,
            latency_ms=chat.latency_ms,
        )
    call = Metered(
        result.provider, result.model, result.tokens_in, result.tokens_out, result.latency_ms
    )
    await usage.record(session, tenant_id, UsageOperation.chat, call, agent_id=agent.id)
    return result
