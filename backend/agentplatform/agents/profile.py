"""What of an agent a conversation turn needs, cached in Redis and invalidated by every change.

A turn reads the profile with one MGET: the agent's epoch (`core.epochs`, name `agent:<id>`) and
the cached entry, which records the epoch it was loaded under; it is used only if the two agree.
Every flush that changes or deletes an agent marks its epoch (`_mark_changed_agents`, an ORM
event, so an update, a restore, an import or a deletion cannot forget); a deleted provider marks
the workspace's `agents:<tenant id>` epoch, which every entry records too (the database sets the
`provider_id` of the agents that named it to null without the ORM seeing them).
Entries also expire after `PROFILE_TTL_SECONDS`. Without Redis the database is read every time.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson
from arq import ArqRedis
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction

from agentplatform.agents.models import Agent, AgentStatus
from agentplatform.agents.service import get_agent
from agentplatform.ai.models import AiProvider
from agentplatform.core.epochs import EPOCH_PREFIX, bump_after_commit
from agentplatform.core.redis import REDIS_ERRORS

logger = logging.getLogger(__name__)

PROFILE_PREFIX = "agentplatform:agent-profile:"
PROFILE_TTL_SECONDS = 600


@dataclass(frozen=True)
class AgentProfile:
    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    status: AgentStatus
    instructions: str
    greeting: str
    language: str
    provider_id: uuid.UUID | None
    model: str | None
    temperature: float
    max_output_tokens: int
    version: int
    tools: tuple[str, ...] = ()
    knowledge: dict[str, Any] = field(default_factory=dict)
    kommo: dict[str, Any] = field(default_factory=dict)
    working_hours: dict[str, Any] | None = None
    human_pause_minutes: int = 30

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["tools"] = list(self.tools)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AgentProfile:
        return cls(
            **{
                **data,
                "id": uuid.UUID(data["id"]),
                "tenant_id": uuid.UUID(data["tenant_id"]),
                "status": AgentStatus(data["status"]),
                "provider_id": uuid.UUID(data["provider_id"]) if data["provider_id"] else None,
                "tools": tuple(data["tools"]),
            }
        )


def profile_of(agent: Agent) -> AgentProfile:
    return AgentProfile(
        id=agent.id,
        tenant_id=agent.tenant_id,
        name=agent.name,
        status=agent.status,
        instructions=agent.instructions,
        greeting=agent.greeting,
        language=agent.language,
        provider_id=agent.provider_id,
        model=agent.model,
        temperature=agent.temperature,
        max_output_tokens=agent.max_output_tokens,
        version=agent.version,
        tools=tuple(agent.tools or ()),
        knowledge=dict(agent.knowledge or {}),
        kommo=dict(agent.kommo or {}),
        working_hours=agent.working_hours,
        human_pause_minutes=agent.human_pause_minutes,
    )


def epoch_names(tenant_id: uuid.UUID, agent_id: uuid.UUID) -> tuple[str, str]:
    return f"agent:{agent_id}", f"agents:{tenant_id}"


def _epochs(values: list[bytes | None]) -> list[str | None]:
    return [value.decode() if value is not None else None for value in values]


async def load_profile(
    session: AsyncSession, redis: ArqRedis | None, tenant_id: uuid.UUID, agent_id: uuid.UUID
) -> AgentProfile:
    """The agent's profile, from Redis when its entry is current; 404 as `get_agent` otherwise."""
    epochs: list[str | None] = []
    if redis is not None:
        keys = [EPOCH_PREFIX + name for name in epoch_names(tenant_id, agent_id)]
        try:
            *values, cached = await redis.mget([*keys, PROFILE_PREFIX + str(agent_id)])
        except REDIS_ERRORS as exc:
            logger.warning("agent profile cache unavailable", extra={"error": repr(exc)})
            redis = None
        else:
            epochs = _epochs(values)
            profile = _usable(cached, epochs, tenant_id)
            if profile is not None:
                return profile
    profile = profile_of(await get_agent(session, tenant_id, agent_id))
    if redis is not None:
        entry = {"epochs": epochs, "profile": profile.to_json()}
        try:
            await redis.set(
                PROFILE_PREFIX + str(agent_id),
                orjson.dumps(entry, default=str),
                ex=PROFILE_TTL_SECONDS,
            )
        except REDIS_ERRORS as exc:
            logger.warning("agent profile not cached", extra={"error": repr(exc)})
    return profile


def _usable(
    cached: bytes | None, epochs: list[str | None], tenant_id: uuid.UUID
) -> AgentProfile | None:
    if cached is None:
        return None
    try:
        entry = orjson.loads(cached)
        if entry["epochs"] != epochs:
            return None
        profile = AgentProfile.from_json(entry["profile"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    # An entry is found by agent id alone: another tenant asking for it gets the 404 of a miss.
    return profile if profile.tenant_id == tenant_id else None


@event.listens_for(Session, "after_flush")
def _mark_changed_agents(session: Session, flush_context: UOWTransaction) -> None:
    names = [
        epoch_names(obj.tenant_id, obj.id)[0]
        for obj in (*session.dirty, *session.deleted)
        if isinstance(obj, Agent) and obj.id is not None
    ]
    names += [f"agents:{obj.tenant_id}" for obj in session.deleted if isinstance(obj, AiProvider)]
    if names:
        bump_after_commit(session, *names)
