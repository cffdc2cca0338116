"""Agents: create, change (every change is a revision), duplicate, restore, export and import."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.agents.models import Agent, AgentRevision, AgentStatus
from agentplatform.agents.schemas import AgentConfig, AgentExport, AgentUpdate
from agentplatform.ai.models import AiProvider
from agentplatform.ai.providers_service import check_provider
from agentplatform.core.db import escape_like
from agentplatform.core.errors import FieldError, ValidationFailed
from agentplatform.core.pagination import PageParams, paginate
from agentplatform.core.scoped import find_scoped, get_scoped, get_scoped_where, scoped

CONFIG_FIELDS = tuple(AgentConfig.model_fields)
NULLABLE_FIELDS = frozenset({"provider_id", "model", "working_hours"})


def snapshot_of(agent: Agent) -> dict[str, Any]:
    """The agent's configuration as JSON (what a revision stores and an export carries)."""
    config = AgentConfig.model_validate({name: getattr(agent, name) for name in CONFIG_FIELDS})
    return config.model_dump(mode="json")


def _apply(agent: Agent, values: dict[str, Any]) -> list[str]:
    """Sets the given configuration values (JSON-ready); returns the names that changed."""
    before = snapshot_of(agent)
    for name, value in values.items():
        setattr(agent, name, value)
    after = snapshot_of(agent)
    return [name for name in CONFIG_FIELDS if before[name] != after[name]]


def _storable(config: AgentConfig | AgentUpdate, fields: set[str]) -> dict[str, Any]:
    dumped = config.model_dump(mode="json", include=fields)
    if dumped.get("provider_id") is not None:
        dumped["provider_id"] = uuid.UUID(dumped["provider_id"])
    if "status" in dumped:
        dumped["status"] = AgentStatus(dumped["status"])
    return dumped


async def _record(
    session: AsyncSession, agent: Agent, changed: list[str], actor: str, note: str = ""
) -> AgentRevision:
    revision = AgentRevision(
        tenant_id=agent.tenant_id,
        agent_id=agent.id,
        version=agent.version,
        snapshot=snapshot_of(agent),
        changed_fields=changed,
        actor=actor,
        note=note,
    )
    session.add(revision)
    await session.flush()
    return revision


async def get_agent(session: AsyncSession, tenant_id: uuid.UUID, agent_id: uuid.UUID) -> Agent:
    return await get_scoped(session, Agent, tenant_id, agent_id, "Agent not found")


async def list_agents(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    params: PageParams,
    *,
    status: AgentStatus | None = None,
    q: str | None = None,
) -> tuple[list[Agent], int]:
    stmt = scoped(select(Agent), Agent, tenant_id)
    if status is not None:
        stmt = stmt.where(Agent.status == status)
    if q:
        pattern = "%" + escape_like(q) + "%"
        stmt = stmt.where(
            or_(
                Agent.name.ilike(pattern, escape="\\"),
                Agent.description.ilike(pattern, escape="\\"),
            )
        )
    stmt = stmt.order_by(func.lower(Agent.name), Agent.id)
    return await paginate(session, stmt, params)


async def create_agent(
    session: AsyncSession, tenant_id: uuid.UUID, data: AgentConfig, actor: str, note: str = ""
) -> Agent:
    await check_provider(session, tenant_id, data.provider_id, "body.provider_id")
    agent = Agent(tenant_id=tenant_id, version=1, **_storable(data, set(CONFIG_FIELDS)))
    session.add(agent)
    await session.flush()
    await _record(session, agent, list(CONFIG_FIELDS), actor, note or "created")
    return agent


async def update_agent(
    session: AsyncSession, tenant_id: uuid.UUID, agent_id: uuid.UUID, data: AgentUpdate, actor: str
) -> Agent:
    agent = await get_agent(session, tenant_id, agent_id)
    fields = set(data.model_fields_set)
    nulls = sorted(f for f in fields if getattr(data, f) is None and f not in NULLABLE_FIELDS)
    if nulls:
        raise ValidationFailed(
            "These fields cannot be null",
            errors=[FieldError.at(f"body.{f}", "may not be null", "null") for f in nulls],
        )
    if "provider_id" in fields:
        await check_provider(session, tenant_id, data.provider_id, "body.provider_id")
    changed = _apply(agent, _storable(data, fields))
    if changed:
        agent.version += 1
        await session.flush()
        await _record(session, agent, changed, actor)
    return agent


async def delete_agent(session: AsyncSession, tenant_id: uuid.UUID, agent_id: uuid.UUID) -> None:
    agent = await get_agent(session, tenant_id, agent_id)
    await session.delete(agent)
    await session.flush()


async def duplicate_agent(
    session: AsyncSession, tenant_id: uuid.UUID, agent_id: uuid.UUID, actor: str
) -> Agent:
    """A copy as a draft named "… (copy)", with its own history starting now."""
    source = await get_agent(session, tenant_id, agent_id)
    config = AgentConfig.model_validate(snapshot_of(source))
    copy_name = f"{config.name} (copy)"[:200]
    copy = config.model_copy(update={"name": copy_name, "status": AgentStatus.draft})
    return await create_agent(session, tenant_id, copy, actor, note=f"duplicated from {source.id}")


async def list_revisions(
    session: AsyncSession, tenant_id: uuid.UUID, agent_id: uuid.UUID, params: PageParams
) -> tuple[list[AgentRevision], int]:
    await get_agent(session, tenant_id, agent_id)
    stmt = (
        scoped(select(AgentRevision), AgentRevision, tenant_id)
        .where(AgentRevision.agent_id == agent_id)
        .order_by(AgentRevision.version.desc())
    )
    return await paginate(session, stmt, params)


async def get_revision(
    session: AsyncSession, tenant_id: uuid.UUID, agent_id: uuid.UUID, version: int
) -> AgentRevision:
    return await get_scoped_where(
        session,
        AgentRevision,
        tenant_id,
        f"Revision {version} not found",
        AgentRevision.agent_id == agent_id,
        AgentRevision.version == version,
    )


async def restore_revision(
    session: AsyncSession, tenant_id: uuid.UUID, agent_id: uuid.UUID, version: int, actor: str
) -> Agent:
    """Makes a past configuration current again, as a new revision (history is never rewritten).

    A provider that was deleted since is dropped, so the workspace default answers instead.
    """
    agent = await get_agent(session, tenant_id, agent_id)
    revision = await get_revision(session, tenant_id, agent_id, version)
    config = AgentConfig.model_validate(revision.snapshot)
    values = _storable(config, set(CONFIG_FIELDS))
    provider_id = values.get("provider_id")
    if provider_id and not await find_scoped(session, AiProvider, tenant_id, provider_id):
        values["provider_id"] = None
    changed = _apply(agent, values)
    if changed:
        agent.version += 1
        await session.flush()
        await _record(session, agent, changed, actor, note=f"restored version {version}")
    return agent


async def export_agent(
    session: AsyncSession, tenant_id: uuid.UUID, agent_id: uuid.UUID
) -> AgentExport:
    agent = await get_agent(session, tenant_id, agent_id)
    config = AgentConfig.model_validate(snapshot_of(agent))
    provider = None
    if agent.provider_id is not None:
        provider = await find_scoped(session, AiProvider, tenant_id, agent.provider_id)
    return AgentExport(
        agent=config.model_copy(update={"provider_id": None}),
        provider_name=provider.name if provider else None,
    )


async def import_agent(
    session: AsyncSession, tenant_id: uuid.UUID, data: AgentExport, actor: str
) -> Agent:
    """Creates an agent from an export; its provider is matched by name in this workspace."""
    provider_id = None
    if data.provider_name:
        provider_id = await session.scalar(
            scoped(select(AiProvider.id), AiProvider, tenant_id).where(
                AiProvider.name == data.provider_name
            )
        )
        if provider_id is None:
            raise ValidationFailed(
                f"This workspace has no AI provider named '{data.provider_name}'",
                errors=[
                    FieldError.at(
                        "body.provider_name",
                        "no provider with this name; create it or remove the field",
                        "unknown_provider",
                    )
                ],
            )
    config = data.agent.model_copy(update={"provider_id": provider_id})
    return await create_agent(session, tenant_id, config, actor, note="imported")
