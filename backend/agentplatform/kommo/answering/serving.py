"""Which active agent answers a lead: the one whose Kommo scope holds the lead's pipeline (and
stage, when it lists stages) and the chat's channel (when it lists channels), oldest first."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.agents.models import Agent, AgentStatus
from agentplatform.core.scoped import scoped

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def serves(scope: dict[str, Any], pipeline_id: int, status_id: int, origin: str | None) -> bool:
    if pipeline_id not in scope.get("pipeline_ids", []):
        return False
    statuses = scope.get("status_ids") or []
    if statuses and status_id not in statuses:
        return False
    channels = scope.get("channels") or []
    return not channels or (origin is not None and origin in channels)


def open_at(working_hours: dict[str, Any] | None, tenant_timezone: str, now: datetime) -> bool:
    """Whether `now` falls in the agent's working hours (no hours set: always)."""
    if not working_hours or not working_hours.get("days"):
        return True
    try:
        zone = ZoneInfo(working_hours.get("timezone") or tenant_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = now.astimezone(zone)
    clock = local.strftime("%H:%M")
    ranges = working_hours["days"].get(DAYS[local.weekday()], [])
    return any(r["start"] <= clock < r["end"] for r in ranges)


async def agent_for_lead(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    pipeline_id: int,
    status_id: int,
    origin: str | None,
) -> Agent | None:
    agents = await session.scalars(
        scoped(select(Agent), Agent, tenant_id)
        .where(Agent.status == AgentStatus.active)
        .order_by(Agent.created_at, Agent.id)
    )
    for agent in agents:
        if serves(agent.kommo or {}, pipeline_id, status_id, origin):
            return agent
    return None


def next_opening(
    working_hours: dict[str, Any] | None, tenant_timezone: str, now: datetime
) -> datetime | None:
    """When the agent's working hours next begin after `now` (None: no hours set, or none)."""
    if not working_hours or not working_hours.get("days"):
        return None
    try:
        zone = ZoneInfo(working_hours.get("timezone") or tenant_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = now.astimezone(zone)
    for ahead in range(8):
        day = (local + timedelta(days=ahead)).date()
        for r in sorted(
            working_hours["days"].get(DAYS[day.weekday()], []), key=lambda r: r["start"]
        ):
            hours, minutes = (int(part) for part in r["start"].split(":"))
            start = datetime.combine(day, time(hours, minutes), zone)
            if start > local:
                return start.astimezone(now.tzinfo)
    return None
