"""Triggers that are moments rather than CRM events, fired by a cron pass every minute.

- `no_reply_for` (N minutes): a Kommo conversation of a lead whose last message is ours (the
  agent's or a colleague's) and which has been silent for N minutes, within the last
  `CATCH_UP` of that moment (a pass that was missed still fires). The event's source id names
  the conversation and its last message's time, so each silence fires each rule once.
- `schedule`: a rule whose cron expression names this minute in the workspace's timezone, or
  whose `every_minutes` divides the minutes since the epoch; the event has no lead, and its
  source id names the rule and the minute.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.automation import cron
from agentplatform.automation.engine import handle_event
from agentplatform.automation.models import AutomationRule
from agentplatform.automation.schemas import AutomationEvent, TriggerKind
from agentplatform.automation.timing import zone_of
from agentplatform.chat.models import Channel, Conversation, Message, MessageRole
from agentplatform.core.settings import Settings
from agentplatform.tenancy.models import Tenant

CATCH_UP = timedelta(minutes=10)


async def _silent(
    session: AsyncSession, tenant_id: uuid.UUID, minutes: int, now: datetime
) -> list[tuple[int, uuid.UUID, datetime]]:
    last_role = (
        select(Message.role)
        .where(Message.conversation_id == Conversation.id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    moment = now - timedelta(minutes=minutes)
    rows = await session.execute(
        select(Conversation.external_lead_id, Conversation.id, Conversation.last_message_at).where(
            Conversation.tenant_id == tenant_id,
            Conversation.channel == Channel.kommo,
            Conversation.external_lead_id.is_not(None),
            Conversation.last_message_at <= moment,
            Conversation.last_message_at > moment - CATCH_UP,
            last_role.in_([MessageRole.assistant, MessageRole.human]),
        )
    )
    out = []
    for lead, conversation_id, last in rows:
        if lead and lead.isdigit() and last is not None:
            out.append((int(lead), conversation_id, last))
    return out


async def fire(
    session: AsyncSession, settings: Settings, redis: Redis | None, now: datetime
) -> int:
    """Fires the due time triggers of every workspace; how many events it made."""
    rules = list(
        await session.scalars(
            select(AutomationRule).where(
                AutomationRule.enabled.is_(True),
                AutomationRule.trigger_kind.in_(
                    [TriggerKind.no_reply_for.value, TriggerKind.schedule.value]
                ),
            )
        )
    )
    fired = 0
    silences: set[tuple[uuid.UUID, int]] = set()
    minute = now.replace(second=0, microsecond=0)
    for rule in rules:
        trigger = rule.trigger
        if rule.trigger_kind == TriggerKind.no_reply_for.value:
            silences.add((rule.tenant_id, int(trigger["minutes"])))
            continue
        zone = await session.scalar(select(Tenant.timezone).where(Tenant.id == rule.tenant_id))
        local = minute.astimezone(zone_of(None, zone or "UTC"))
        due = (
            cron.matches(trigger["cron"], local)
            if trigger.get("cron")
            else int(minute.timestamp() // 60) % int(trigger["every_minutes"]) == 0
        )
        if due:
            event = AutomationEvent(
                tenant_id=rule.tenant_id,
                kind=TriggerKind.schedule,
                occurred_at=minute,
                rule_id=rule.id,
                source_event_id=f"schedule:{rule.id}:{minute.isoformat()}",
            )
            await handle_event(session, settings, redis, event)
            fired += 1
    for tenant_id, minutes in sorted(silences):
        for lead_id, conversation_id, last in await _silent(session, tenant_id, minutes, now):
            event = AutomationEvent(
                tenant_id=tenant_id,
                kind=TriggerKind.no_reply_for,
                lead_id=lead_id,
                occurred_at=now,
                silent_minutes=minutes,
                source_event_id=f"no_reply:{minutes}:{conversation_id}:{last.isoformat()}",
            )
            await handle_event(session, settings, redis, event)
            fired += 1
    return fired
