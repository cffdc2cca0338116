"""Writing the answer of a turn from its context.

With a provider, the model answers in a loop of at most `CHAT_MAX_TOOL_STEPS` steps: each step
offers the agent's tools, runs the calls the model makes (`chat.tools`) and sends their results
back; the last step offers none, so the model has to answer (`step_limit_reached`). A hand-off
ends the turn at once. Streamed or not, the text of every step reaches the client as it comes.

Without a provider the offline responder answers (it quotes only retrieved text and says when it
found nothing; its answers are labelled offline everywhere). It calls no tools, with one
deterministic rule: a customer asking for a person (`asks_for_a_person`) is handed off when the
agent may hand off.
"""

# ruff: noqa: RUF001 - the hand-off texts and patterns are in Cyrillic too
from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.agents.profile import AgentProfile
from agentplatform.ai import llm, usage
from agentplatform.ai.llm_results import ToolCall
from agentplatform.ai.models import UsageOperation
from agentplatform.ai.offline import offline_responder
from agentplatform.ai.offline_responder import OFFLINE_MODEL, ChatMessage, Passage
from agentplatform.ai.resolver import Resolved
from agentplatform.ai.schemas import ModelSource
from agentplatform.chat.context import ContextBundle
from agentplatform.chat.tools import ToolRun, ToolRunner, assistant_with_calls, tool_message
from agentplatform.core.settings import Settings

_CITATION = re.compile(r"\[(\d{1,3})\]")
_PIECE = re.compile(r"\S+\s*|\s+")
FACTS_TITLE = "Facts from the knowledge graph"
HANDOFF_TEXTS = {
    "en": "I'm passing you to a colleague, who will answer you here shortly.",
    "es": "Te paso con un compañero, que te responderá aquí en breve.",
    "pt": "Vou passar você para um colega, que vai responder aqui em breve.",
    "ru": "Передаю вас коллеге, он ответит вам здесь в ближайшее время.",
}
_PERSON = re.compile(
    r"\b(?:human|real person|a person|an operator|someone real|"
    r"(?:talk|speak) (?:to|with) (?:an? )?(?:agent|manager|representative|person)|"
    r"humano|una persona|un operador|un asesor|hablar con (?:un|una) (?:agente|persona)|"
    r"atendente|uma pessoa|falar com (?:um|uma) (?:pessoa|atendente)|"
    r"оператор\w*|живо\w* человек\w*|с человеком|менеджер\w*)\b",
    re.IGNORECASE,
)


def asks_for_a_person(message: str) -> bool:
    return bool(_PERSON.search(message))


def handoff_text(language: str) -> str:
    return HANDOFF_TEXTS.get(language.split("-")[0].lower(), HANDOFF_TEXTS["en"])


@dataclass
class Generated:
    text: str
    offline: bool
    provider: str
    model: str
    model_source: ModelSource
    tokens_in: int
    tokens_out: int
    cited: list[int]  # indexes into the bundle's passages, in the order first cited
    used_facts: bool
    kind: str  # "answer", "fallback", "greeting", "handoff"
    first_token_ms: int
    generation_ms: int
    finish_reason: str | None = None
    tool_runs: list[ToolRun] = field(default_factory=list)
    steps: int = 1
    step_limit_reached: bool = False
    handed_off: bool = False


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class ToolEvent:
    run: ToolRun


Item = Token | ToolEvent | Generated


def cited_passages(text: str, count: int) -> list[int]:
    """The passages an answer cites as [n], in order, each once (numbers out of range ignored)."""
    seen: list[int] = []
    for match in _CITATION.finditer(text):
        index = int(match.group(1)) - 1
        if 0 <= index < count and index not in seen:
            seen.append(index)
    return seen


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


@dataclass
class GenerationRequest:
    settings: Settings
    resolved: Resolved
    bundle: ContextBundle
    temperature: float
    max_tokens: int
    greeting: str
    stream: bool
    runner: ToolRunner
    tools: list[llm.ToolDefinition]
    max_steps: int

    @classmethod
    def for_agent(
        cls,
        agent: AgentProfile,
        settings: Settings,
        resolved: Resolved,
        bundle: ContextBundle,
        runner: ToolRunner,
        *,
        stream: bool,
        tools: list[llm.ToolDefinition],
        max_steps: int,
    ) -> GenerationRequest:
        return cls(
            settings=settings,
            resolved=resolved,
            bundle=bundle,
            temperature=agent.temperature,
            max_tokens=agent.max_output_tokens,
            greeting=agent.greeting,
            stream=stream,
            runner=runner,
            tools=tools,
            max_steps=max_steps,
        )


async def record_usage(
    session: AsyncSession, tenant_id: uuid.UUID, agent_id: uuid.UUID, generated: Generated
) -> None:
    call = usage.Metered(
        generated.provider,
        generated.model,
        generated.tokens_in,
        generated.tokens_out,
        generated.generation_ms,
    )
    await usage.record(session, tenant_id, UsageOperation.chat, call, agent_id=agent_id)


@dataclass
class _Step:
    text: str = ""
    calls: list[ToolCall] = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    model: str | None = None
    finish_reason: str | None = None


async def generate(request: GenerationRequest) -> AsyncGenerator[Item]:
    """Tokens and tool runs as they happen, then one `Generated` with the totals."""
    if request.resolved.config is None:
        async for item in _offline(request):
            yield item
        return
    async for item in _with_provider(request):
        yield item


async def _with_provider(request: GenerationRequest) -> AsyncGenerator[Item]:
    started = time.perf_counter()
    messages: list[dict[str, Any]] = [
        {"role": role, "content": content} for role, content in request.bundle.messages
    ]
    total = _Step()
    parts: list[str] = []
    first_token_ms = 0
    steps = 0
    for step in range(request.max_steps + 1):
        steps += 1
        # The last step offers no tool: the model has to answer with what it has.
        offer = request.tools if request.tools and step < request.max_steps else None
        current = _Step()
        async for piece in _step(request, messages, offer, current):
            if not first_token_ms:
                first_token_ms = _ms(started)
            if not current.text and "".join(parts).strip():
                parts.append("\n\n")  # the text of an earlier step ends its paragraph
                yield Token("\n\n")
            current.text += piece
            parts.append(piece)
            yield Token(piece)
        total.tokens_in += current.tokens_in
        total.tokens_out += current.tokens_out
        total.model = current.model or total.model
        total.finish_reason = current.finish_reason
        if not current.calls or offer is None:
            break
        messages.append(assistant_with_calls(current.text, current.calls))
        for call in current.calls:
            run = await request.runner.run(call)
            yield ToolEvent(run)
            messages.append(tool_message(run))
        if request.runner.handed_off:
            if not "".join(parts).strip():
                text = handoff_text(request.bundle.language)
                parts.append(text)
                yield Token(text)
            break
    text = "".join(parts)
    yield Generated(
        text=text,
        offline=False,
        provider=request.resolved.provider_name,
        model=total.model or request.resolved.model,
        model_source=request.resolved.source,
        tokens_in=total.tokens_in,
        tokens_out=total.tokens_out,
        cited=cited_passages(text, len(request.bundle.passages)),
        used_facts=bool(request.bundle.facts),
        kind="handoff" if request.runner.handed_off else "answer",
        first_token_ms=first_token_ms or _ms(started),
        generation_ms=_ms(started),
        finish_reason=total.finish_reason,
        tool_runs=list(request.runner.runs),
        steps=steps,
        step_limit_reached=bool(request.tools) and steps > request.max_steps,
        handed_off=request.runner.handed_off,
    )


async def _step(
    request: GenerationRequest,
    messages: list[dict[str, Any]],
    tools: list[llm.ToolDefinition] | None,
    out: _Step,
) -> AsyncGenerator[str]:
    """One call to the model: its text as it comes; the rest lands in `out`."""
    config = request.resolved.config
    assert config is not None
    arguments: dict[str, Any] = {
        "model": request.resolved.model,
        "messages": messages,
        "tools": tools,
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
    }
    if not request.stream:
        result = await llm.chat(config, **arguments)
        out.calls, out.tokens_in, out.tokens_out = (
            result.tool_calls,
            result.tokens_in,
            result.tokens_out,
        )
        out.model, out.finish_reason = result.model, result.finish_reason
        if result.text:
            yield result.text
        return
    async with aclosing(llm.stream_chat(config, **arguments)) as deltas:
        async for delta in deltas:
            if delta.done:
                out.calls, out.tokens_in, out.tokens_out = (
                    delta.tool_calls,
                    delta.tokens_in,
                    delta.tokens_out,
                )
                out.model, out.finish_reason = delta.model, delta.finish_reason
            elif delta.text:
                yield delta.text


async def _offline(request: GenerationRequest) -> AsyncGenerator[Item]:
    started = time.perf_counter()
    bundle = request.bundle
    message = bundle.messages[-1][1]
    if "handoff" in request.runner.allowed and asks_for_a_person(message):
        summary = f"The customer asked for a person: {message[:300]}"
        call = ToolCall(
            "offline-handoff",
            "handoff",
            json.dumps({"reason": "asked for a person", "summary": summary}),
        )
        yield ToolEvent(await request.runner.run(call))
        text = handoff_text(bundle.language)
        yield Token(text)
        yield _offline_result(request, text, [], False, "handoff", started)
        return
    responder = await offline_responder(request.settings)
    passages: list[Passage] = [
        {"text": p.text, "title": p.document_title, "score": p.score} for p in bundle.passages
    ]
    if bundle.facts:
        passages.append(
            {"text": "\n".join(f"- {f.text}" for f in bundle.facts), "title": FACTS_TITLE}
        )
    conversation: list[ChatMessage] = [
        {"role": role, "content": content} for role, content in bundle.messages if role != "system"
    ]
    answer = await responder.aanswer(
        instructions=bundle.messages[0][1],
        greeting=request.greeting or None,
        language=bundle.language,
        conversation=conversation,
        passages=passages,
    )
    first_token_ms = _ms(started)
    for piece in _PIECE.findall(answer.text):
        yield Token(piece)
    facts_index = len(bundle.passages) if bundle.facts else None
    result = _offline_result(
        request,
        answer.text,
        [i for i in answer.used_passages if i != facts_index],
        facts_index is not None and facts_index in answer.used_passages,
        answer.kind,
        started,
    )
    result.tokens_in, result.tokens_out, result.model = (
        answer.tokens_in,
        answer.tokens_out,
        answer.model,
    )
    result.first_token_ms = first_token_ms
    yield result


def _offline_result(
    request: GenerationRequest,
    text: str,
    cited: list[int],
    used_facts: bool,
    kind: str,
    started: float,
) -> Generated:
    return Generated(
        text=text,
        offline=True,
        provider="offline",
        model=OFFLINE_MODEL,
        model_source="offline",
        tokens_in=0,
        tokens_out=0,
        cited=cited,
        used_facts=used_facts,
        kind=kind,
        first_token_ms=_ms(started),
        generation_ms=_ms(started),
        tool_runs=list(request.runner.runs),
        handed_off=request.runner.handed_off,
    )
