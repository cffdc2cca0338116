"""Remembering facts about a contact, recalling the ones that matter for a message, and letting a
person see and correct them. Every call is scoped to a tenant and a contact.

Storing a fact (`remember`), against the contact's active memories:
- the same key and value (case- and space-blind): the old one is seen again (`times_seen`,
  `last_seen_at`, the higher importance);
- a single-valued key (name, e-mail, phone, city, company, budget) with another value, or the
  opposite of a like/dislike with the same value: the new one supersedes the old, which is kept
  as history (`superseded`, `superseded_by_id`);
- the same key and a near-identical wording (cosine ≥ 0.9 of their embeddings): the old one is
  updated to the new wording;
- otherwise a new memory.

A fact learnt late from an earlier message (jobs may run out of order) never supersedes a newer
one: it is stored as already superseded. One contact's memories are changed by one call at a
time (the contact's row is locked).

Recall ranks the active memories by 0.6 * similarity to the message + 0.25 * importance +
0.15 * recency (halving every 30 days since last seen).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import DateTime, Float, Select, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from agentplatform.ai.embeddings import embed
from agentplatform.ai.resolver import LOCAL_EMBEDDING_MODEL
from agentplatform.chat.memory.extraction import LABELS, OPPOSITE, SINGLE_VALUED, Fact
from agentplatform.chat.memory.models import ContactMemory, MemoryOrigin, MemoryStatus
from agentplatform.chat.models import Contact
from agentplatform.core.db import utcnow
from agentplatform.core.scoped import get_scoped, get_scoped_where, scoped
from agentplatform.core.settings import Settings

NEAR_DUPLICATE = 0.9
RECALL_LIMIT = 8
RECENCY_HALF_LIFE_DAYS = 30.0
WEIGHTS = (0.6, 0.25, 0.15)  # similarity, importance, recency


@dataclass(frozen=True)
class Recalled:
    memory: ContactMemory
    similarity: float
    score: float


def _norm(value: str) -> str:
    return " ".join(value.casefold().split())


async def _vectors(settings: Settings, texts: list[str]) -> list[list[float]]:
    return (await embed(settings, None, LOCAL_EMBEDDING_MODEL, texts)).vectors


def _cosine(a: list[float], b: list[float]) -> float:
    va, vb = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denominator = float(np.linalg.norm(va) * np.linalg.norm(vb))
    return float(va @ vb) / denominator if denominator else 0.0


async def _all_memories(
    session: AsyncSession, tenant_id: uuid.UUID, contact_id: uuid.UUID
) -> list[ContactMemory]:
    rows = await session.scalars(
        scoped(select(ContactMemory), ContactMemory, tenant_id)
        .where(ContactMemory.contact_id == contact_id)
        .order_by(ContactMemory.created_at)
    )
    return list(rows)


def _active(tenant_id: uuid.UUID, contact_id: uuid.UUID) -> Select[ContactMemory]:
    return (
        scoped(select(ContactMemory), ContactMemory, tenant_id)
        .where(ContactMemory.contact_id == contact_id, ContactMemory.status == MemoryStatus.active)
        .order_by(ContactMemory.created_at)
    )


async def active_memories(
    session: AsyncSession, tenant_id: uuid.UUID, contact_id: uuid.UUID
) -> list[ContactMemory]:
    return list(await session.scalars(_active(tenant_id, contact_id)))


@dataclass(frozen=True)
class Source:
    origin: MemoryOrigin
    conversation_id: uuid.UUID | None = None
    message_id: uuid.UUID | None = None
    at: datetime | None = None  # when the fact was stated (the message's time); default now


async def remember(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    facts: list[Fact],
    source: Source,
) -> list[ContactMemory]:
    """Stores `facts` as the module docstring says; returns the memories they touched."""
    if not facts:
        return []
    vectors = await _vectors(settings, [fact.text for fact in facts])
    # One contact's memories change one turn at a time (two jobs may learn from two messages).
    await get_scoped(session, Contact, tenant_id, contact_id, "Contact not found", for_update=True)
    history = await _all_memories(session, tenant_id, contact_id)
    active = [m for m in history if m.status is MemoryStatus.active]
    now = source.at or utcnow()
    touched = []
    replaced: list[tuple[ContactMemory, ContactMemory]] = []
    for fact, vector in zip(facts, vectors, strict=True):
        memory, old = _store(
            session, tenant_id, contact_id, history, active, fact, vector, source, now
        )
        touched.append(memory)
        replaced += [(stale, memory) for stale in old]
    await session.flush()  # the new rows exist before the old ones point at them
    for stale, memory in replaced:
        stale.superseded_by_id = memory.id
    await session.flush()
    return touched


def _store(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    history: list[ContactMemory],
    active: list[ContactMemory],
    fact: Fact,
    vector: list[float],
    source: Source,
    now: datetime,
) -> tuple[ContactMemory, list[ContactMemory]]:
    """The memory `fact` becomes, and the ones it supersedes."""
    same_key = [m for m in active if m.key == fact.key]
    for memory in same_key:
        if _norm(memory.value) == _norm(fact.value):
            memory.times_seen += 1
            memory.last_seen_at = max(memory.last_seen_at, now)
            memory.importance = max(memory.importance, fact.importance)
            return memory, []
    replaced = [m for m in same_key if fact.key in SINGLE_VALUED]
    replaced += [
        m for m in active if m.key == OPPOSITE.get(fact.key) and _norm(m.value) == _norm(fact.value)
    ]
    newer = [old for old in replaced if old.last_seen_at > now]
    if newer:
        # Learnt late from an earlier message: history has moved past it already.
        for memory in history:
            if memory.key == fact.key and _norm(memory.value) == _norm(fact.value):
                memory.times_seen += 1
                return memory, []
    if not replaced:
        for memory in same_key:
            if _cosine(memory.embedding, vector) >= NEAR_DUPLICATE:
                memory.value, memory.text, memory.embedding = fact.value, fact.text, vector
                memory.times_seen += 1
                memory.last_seen_at = now
                memory.importance = max(memory.importance, fact.importance)
                return memory, []
    memory = ContactMemory(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        contact_id=contact_id,
        key=fact.key,
        value=fact.value,
        text=fact.text,
        importance=fact.importance,
        origin=source.origin,
        conversation_id=source.conversation_id,
        message_id=source.message_id,
        embedding=vector,
        last_seen_at=now,
    )
    session.add(memory)
    history.append(memory)
    if newer:
        memory.status = MemoryStatus.superseded
        memory.superseded_by_id = max(newer, key=lambda m: m.last_seen_at).id
        return memory, []
    for old in replaced:
        old.status = MemoryStatus.superseded
        active.remove(old)
    active.append(memory)
    return memory, replaced


async def recall(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    message: str,
    limit: int = RECALL_LIMIT,
) -> list[Recalled]:
    """The contact's memories that matter most for `message`, best first.

    PostgreSQL ranks them (pgvector's cosine distance, then the weights of the module docstring)
    and returns the best `limit`: reading every memory back with its embedding to rank it here
    parsed 384 numbers per memory from text and built an object per memory, most of a turn's
    database time for a contact with many memories. The recalled memories come without their
    `embedding` (raiseload: recall is for reading texts)."""
    if not await session.scalar(select(_active(tenant_id, contact_id).exists())):
        return []  # no embedding of the message for a contact with nothing remembered
    [query] = await _vectors(settings, [message])
    # A zero vector has no direction: its NaN similarity counts as none.
    cosine = func.coalesce(
        func.nullif(1 - ContactMemory.embedding.cosine_distance(query), float("nan")), 0.0
    )
    age_days = (
        cast(
            func.extract(
                "epoch", literal(utcnow(), DateTime(timezone=True)) - ContactMemory.last_seen_at
            ),
            Float,
        )
        / 86_400
    )
    recency = func.power(0.5, func.greatest(age_days, 0.0) / RECENCY_HALF_LIFE_DAYS)
    score = WEIGHTS[0] * cosine + WEIGHTS[1] * ContactMemory.importance + WEIGHTS[2] * recency
    rows = await session.execute(
        _active(tenant_id, contact_id)
        .add_columns(cosine.label("similarity"), score.label("score"))
        .options(defer(ContactMemory.embedding, raiseload=True))
        .order_by(None)
        .order_by(score.desc(), ContactMemory.created_at)
        .limit(limit)
    )
    return [Recalled(memory, float(similarity), float(value)) for memory, similarity, value in rows]


# --- what a person sees and corrects -------------------------------------------------------


async def list_memories(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    *,
    include_superseded: bool = False,
) -> list[ContactMemory]:
    await get_scoped(session, Contact, tenant_id, contact_id, "Contact not found")
    stmt = (
        scoped(select(ContactMemory), ContactMemory, tenant_id)
        .where(ContactMemory.contact_id == contact_id)
        .order_by(ContactMemory.status, ContactMemory.importance.desc(), ContactMemory.created_at)
    )
    if not include_superseded:
        stmt = stmt.where(ContactMemory.status == MemoryStatus.active)
    return list(await session.scalars(stmt))


async def get_memory(
    session: AsyncSession, tenant_id: uuid.UUID, contact_id: uuid.UUID, memory_id: uuid.UUID
) -> ContactMemory:
    return await get_scoped_where(
        session,
        ContactMemory,
        tenant_id,
        "Memory not found",
        ContactMemory.id == memory_id,
        ContactMemory.contact_id == contact_id,
    )


async def add_memory(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    fact: Fact,
) -> ContactMemory:
    """A fact a person adds; it follows the same rules as one the agent found."""
    await get_scoped(session, Contact, tenant_id, contact_id, "Contact not found")
    [memory] = await remember(
        session, settings, tenant_id, contact_id, [fact], Source(MemoryOrigin.manual)
    )
    return memory


async def update_memory(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    memory_id: uuid.UUID,
    *,
    value: str | None,
    importance: float | None,
) -> ContactMemory:
    """A person's correction: the new value is re-embedded and the memory counts as theirs."""
    memory = await get_memory(session, tenant_id, contact_id, memory_id)
    if value is not None and value != memory.value:
        memory.value = value
        memory.text = f"{LABELS.get(memory.key, 'Note')}: {value}"
        [memory.embedding] = await _vectors(settings, [memory.text])
        memory.origin = MemoryOrigin.manual
    if importance is not None:
        memory.importance = importance
    await session.flush()
    return memory


async def delete_memory(
    session: AsyncSession, tenant_id: uuid.UUID, contact_id: uuid.UUID, memory_id: uuid.UUID
) -> None:
    memory = await get_memory(session, tenant_id, contact_id, memory_id)
    await session.delete(memory)
    await session.flush()
