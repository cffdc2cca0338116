"""Kommo's events as the rule engine's: the webhook handlers for leads added, moved and
reassigned, and the handler of `MESSAGE_RECEIVED` (a customer's chat message the Kommo
domain stored). Events our own integration caused (`own`) never trigger a rule."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from agentplatform.automation.engine import handle_event
from agentplatform.automation.schemas import AutomationEvent, TriggerKind
from agentplatform.core.db import unit_of_work
from agentplatform.kommo.webhooks import dispatch
from agentplatform.kommo.webhooks.events import AnyEvent, LeadEvent

TRIGGERS = {
    "lead.add": TriggerKind.lead_added,
    "lead.status": TriggerKind.stage_changed,
    "lead.responsible": TriggerKind.responsible_changed,
}


def _fields(event: LeadEvent) -> dict[str, str]:
    values: dict[str, str] = {}
    for field in event.custom_fields:
        shown = ", ".join(str(v.value) for v in field.values if v.value not in (None, ""))
        if shown:
            values[str(field.id)] = shown[:2000]
    return values


def automation_event(tenant_id: uuid.UUID, event: LeadEvent) -> AutomationEvent:
    moment = event.last_modified or event.updated_at
    return AutomationEvent(
        tenant_id=tenant_id,
        kind=TRIGGERS[event.kind],
        lead_id=event.id,
        lead_name=(event.name or "")[:200],
        pipeline_id=event.pipeline_id or None,
        status_id=event.status_id or None,
        old_status_id=event.old_status_id or None,
        tags=[t.name[:100] for t in event.tags if t.name],
        fields=_fields(event),
        responsible_user_id=event.responsible_user_id or None,
        occurred_at=datetime.fromtimestamp(moment, UTC) if moment else None,
        source_event_id=event.dedup_key[:200],
    )


async def on_lead_event(
    ctx: dispatch.HandlerContext, tenant_id: uuid.UUID, event: AnyEvent
) -> dispatch.Outcome:
    if not isinstance(event, LeadEvent) or event.kind not in TRIGGERS:
        return dispatch.Outcome.ignored(f"Not a lead event rules react to ({event.kind})")
    if event.own:
        return dispatch.Outcome.ignored("Our own change")
    runs = await handle_event(
        ctx.session, ctx.settings, ctx.redis, automation_event(tenant_id, event)
    )
    return dispatch.Outcome.processed(f"{len(runs)} rule(s) evaluated")


async def on_message_received(ctx: dict[str, Any], payload: Mapping[str, str]) -> None:
    event = AutomationEvent(
        tenant_id=uuid.UUID(payload["tenant_id"]),
        kind=TriggerKind.incoming_message,
        lead_id=int(payload["lead_id"]),
        text=payload.get("text", "")[:8000],
        source_event_id=f"message:{payload['message_id']}"[:200],
    )
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        await handle_event(session, ctx["settings"], ctx["redis"], event)
