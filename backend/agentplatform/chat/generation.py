"""Writing the answer of a turn from its context: the resolved provider's model, streamed or not,
or the offline responder when no provider is configured (it quotes only retrieved text and says
when it found nothing; its answers are labelled offline everywhere)."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field

from agentplatform.ai import llm
from agentplatform.ai.offline_responder import ChatMessage, Passage
from agentplatform.ai.replies import offline_responder
from agentplatform.ai.resolver import Resolved
from agentplatform.ai.schemas import ModelSource
from agentplatform.chat.context import ContextBundle
from agentplatform.core.settings import Settings

_CITATION = re.compile(r"\[(\d{1,3})\]")
_PIECE = re.compile(r"\S+\s*|\s+")
FACTS_TITLE = "Facts from the knowledge graph"


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
    kind: str  # "answer", "fallback", "greeting"
    first_token_ms: int
    generation_ms: int
    finish_reason: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Token:
    text: str


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


async def generate(
    settings: Settings,
    resolved: Resolved,
    bundle: ContextBundle,
    *,
    temperature: float,
    max_tokens: int,
    greeting: str,
    stream: bool,
) -> AsyncGenerator[Token | Generated]:
    """Tokens as they are written (`stream`), then one `Generated` with the totals."""
    if resolved.config is None:
        async for item in _offline(settings, bundle, greeting):
            yield item
        return
    started = time.perf_counter()
    messages: list[llm.ChatMessage] = [
        {"role": role, "content": content}  # type: ignore[misc]
        for role, content in bundle.messages
    ]
    if not stream:
        result = await llm.chat(
            resolved.config,
            model=resolved.model,
            messages=messages,
            temperature=temperature,
            max_tokens=max_tokens,
        )
        elapsed = _ms(started)
        yield _from_provider(
            resolved,
            bundle,
            result.text,
            result.model,
            result.tokens_in,
            result.tokens_out,
            elapsed,
            elapsed,
            result.finish_reason,
        )
        return
    pieces: list[str] = []
    first_token_ms = 0
    deltas = llm.stream_chat(
        resolved.config,
        model=resolved.model,
        messages=messages,
        temperature=temperature,
        max_tokens=max_tokens,
    )
    async with aclosing(deltas) as stream_of_deltas:
        async for delta in stream_of_deltas:
            if delta.done:
                yield _from_provider(
                    resolved,
                    bundle,
                    "".join(pieces),
                    delta.model or resolved.model,
                    delta.tokens_in,
                    delta.tokens_out,
                    first_token_ms or _ms(started),
                    _ms(started),
                    delta.finish_reason,
                )
                return
            if delta.text:
                if not pieces:
                    first_token_ms = _ms(started)
                pieces.append(delta.text)
                yield Token(delta.text)


def _from_provider(
    resolved: Resolved,
    bundle: ContextBundle,
    text: str,
    model: str,
    tokens_in: int,
    tokens_out: int,
    first_token_ms: int,
    generation_ms: int,
    finish_reason: str | None,
) -> Generated:
    return Generated(
        text=text,
        offline=False,
        provider=resolved.provider_name,
        model=model,
        model_source=resolved.source,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        cited=cited_passages(text, len(bundle.passages)),
        used_facts=bool(bundle.facts),
        kind="answer",
        first_token_ms=first_token_ms,
        generation_ms=generation_ms,
        finish_reason=finish_reason,
    )


async def _offline(
    settings: Settings, bundle: ContextBundle, greeting: str
) -> AsyncGenerator[Token | Generated]:
    started = time.perf_counter()
    responder = await offline_responder(settings)
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
        greeting=greeting or None,
        language=bundle.language,
        conversation=conversation,
        passages=passages,
    )
    first_token_ms = _ms(started)
    for piece in _PIECE.findall(answer.text):
        yield Token(piece)
    facts_index = len(bundle.passages) if bundle.facts else None
    yield Generated(
        text=answer.text,
        offline=True,
        provider="offline",
        model=answer.model,
        model_source="offline",
        tokens_in=answer.tokens_in,
        tokens_out=answer.tokens_out,
        cited=[i for i in answer.used_passages if i != facts_index],
        used_facts=facts_index is not None and facts_index in answer.used_passages,
        kind=answer.kind,
        first_token_ms=first_token_ms,
        generation_ms=_ms(started),
    )
