"""The knowledge graph by a chat model, with structured output (a JSON schema the answer follows).

The document's chunks go to the model in batches of at most `BATCH_CHARS` characters, each chunk
headed `[chunk N]`; the model answers with the entities (name, type, description, the chunks that
mention them) and the relations (subject, predicate, object or value, the chunk that states it,
a confidence) of that batch. The answer is validated with pydantic; an answer that is not valid
(not JSON, not the schema, cut off at the token limit) is asked for again at once, up to
`ANSWER_TRIES` times in all (waiting would not help: the model, not the provider, is at fault),
then is an `InvalidGraphAnswer` that says why, and the extraction fails with that reason.

Every call checks the workspace's token budget first and records its tokens afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.ai import llm, usage
from agentplatform.ai.models import UsageOperation
from agentplatform.ai.resolver import Resolved
from agentplatform.ai.usage import Metered
from agentplatform.core.db import unit_of_work
from agentplatform.knowledge.graph.extraction import (
    MAX_ENTITIES,
    MAX_RELATIONS,
    ChunkText,
    EntityRef,
    GraphBuilder,
    GraphDraft,
)
from agentplatform.knowledge.graph.models import EntityType

BATCH_CHARS = 12_000
MAX_OUTPUT_TOKENS = 4_000
ANSWER_TRIES = 3

SYSTEM_PROMPT = """You build a knowledge graph from a company's documents.
From the chunks below, list:
- entities: the named things the text is about (people, organizations, products and their codes,
  places, prices, e-mail addresses, phone numbers, web addresses; "other" for the rest), each
  with a short description from the text (or "") and the numbers of the chunks that mention it;
- relations: facts stated in the text, as subject, predicate, object. The predicate is a short
  verb or attribute name in lower case ("supplies", "price", "warranty", "is_a", "located_in").
  The object is another entity (give its type) or a literal value such as "2 years" (object_type
  null). Give the number of the chunk that states it and your confidence from 0 to 1.
Use names exactly as written in the text. Do not invent facts the text does not state."""


class LlmEntity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    type: EntityType
    description: str
    chunks: list[int]


class LlmRelation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str
    subject_type: EntityType
    predicate: str
    object: str
    object_type: EntityType | None
    chunk: int
    confidence: float


class LlmGraph(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entities: list[LlmEntity]
    relations: list[LlmRelation]


RESPONSE_FORMAT = llm.json_schema_format("knowledge_graph", LlmGraph.model_json_schema())


class InvalidGraphAnswer(Exception):
    """The model's answer is not a graph in the schema; `str()` says why, for people."""


def batches(chunks: Sequence[ChunkText], max_chars: int = BATCH_CHARS) -> list[list[ChunkText]]:
    """Consecutive chunks, at most `max_chars` characters of text per batch (at least one)."""
    out: list[list[ChunkText]] = []
    size = 0
    for chunk in chunks:
        if out and size + len(chunk.text) <= max_chars:
            out[-1].append(chunk)
            size += len(chunk.text)
        else:
            out.append([chunk])
            size = len(chunk.text)
    return out


def prompt(title: str, batch: Sequence[ChunkText]) -> str:
    parts = [f"Document: {title}"]
    parts.extend(f"[chunk {chunk.position}]\n{chunk.text}" for chunk in batch)
    return "\n\n".join(parts)


def parse_answer(text: str, finish_reason: str | None) -> LlmGraph:
    if finish_reason == "length":
        raise InvalidGraphAnswer("The model's answer was cut off at the token limit")
    try:
        return LlmGraph.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the answer"
        detail = f"{where}: {first['msg']}" if first["type"] != "json_invalid" else "not JSON"
        raise InvalidGraphAnswer(f"The model's answer is not a valid graph ({detail})") from exc


def add_answer(graph: GraphBuilder, answer: LlmGraph, batch: Sequence[ChunkText]) -> None:
    """The answer into the graph; chunk numbers outside the batch count as its first chunk."""
    positions = {chunk.position for chunk in batch}
    first = batch[0].position

    def place(number: int) -> int:
        return number if number in positions else first

    for item in answer.entities[:MAX_ENTITIES]:
        ref = graph.entity(item.name, item.type, description=item.description.strip())
        if ref is None:
            continue
        for number in sorted({place(n) for n in item.chunks} or {first}):
            graph.mention(ref, number)
    for fact in answer.relations[:MAX_RELATIONS]:
        subject = graph.entity(fact.subject, fact.subject_type)
        if subject is None:
            continue
        chunk = place(fact.chunk)
        confidence = min(1.0, max(0.0, fact.confidence))
        obj: EntityRef | None = None
        if fact.object_type is not None:
            obj = graph.entity(fact.object, fact.object_type)
            if obj is None:
                continue
            graph.ensure_mentioned(obj, chunk)
        graph.ensure_mentioned(subject, chunk)
        graph.relate(
            subject,
            fact.predicate,
            chunk=chunk,
            confidence=confidence,
            obj=obj,
            value=None if obj else fact.object,
        )


async def extract_with_llm(
    maker: async_sessionmaker[AsyncSession],
    tenant_id: uuid.UUID,
    resolved: Resolved,
    title: str,
    chunks: Sequence[ChunkText],
    *,
    heartbeat: Callable[[], Awaitable[None]],
) -> GraphDraft:
    """The document's graph from the resolved chat model (raises provider errors, the budget's
    `TokenBudgetExceeded` and `InvalidGraphAnswer`)."""
    assert resolved.config is not None
    graph = GraphBuilder(resolved.model)
    for batch in batches(chunks):
        for attempt in range(1, ANSWER_TRIES + 1):
            async with unit_of_work(maker, None) as session:
                await usage.check_budget(session, tenant_id)
            result = await llm.chat(
                resolved.config,
                model=resolved.model,
                messages=[
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": prompt(title, batch)},
                ],
                temperature=0.0,
                max_tokens=MAX_OUTPUT_TOKENS,
                response_format=RESPONSE_FORMAT,
            )
            async with unit_of_work(maker, None) as session:
                call = Metered(
                    resolved.provider_name,
                    result.model,
                    result.tokens_in,
                    result.tokens_out,
                    result.latency_ms,
                )
                await usage.record(session, tenant_id, UsageOperation.chat, call)
            await heartbeat()
            try:
                answer = parse_answer(result.text, result.finish_reason)
            except InvalidGraphAnswer as exc:
                if attempt == ANSWER_TRIES:
                    raise InvalidGraphAnswer(f"{exc}, {ANSWER_TRIES} times in a row") from exc
                continue
            add_answer(graph, answer, batch)
            graph.extractor = result.model
            break
    return graph.draft()
