"""Whether a rule's conditions hold for an event: each condition's outcome, with why.

Conditions read the event (its pipeline, stage, tags, field values, responsible user, time and
message) and, for `handed_off`, the lead's conversations. Times are the event's `occurred_at`
in the workspace's timezone (or the working hours' own).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.automation.classify import classify
from agentplatform.automation.schemas import AutomationEvent
from agentplatform.automation.timing import in_time_of_day, zone_of
from agentplatform.chat.models import Channel, Conversation, ConversationStatus
from agentplatform.core.scoped import scoped
from agentplatform.core.settings import Settings
from agentplatform.kommo.answering.serving import open_at


@dataclass(frozen=True)
class Checked:
    kind: str
    passed: bool
    detail: str

    def as_record(self) -> dict[str, Any]:
        return {"kind": self.kind, "passed": self.passed, "detail": self.detail}


def _fold(value: str) -> str:
    return " ".join(value.casefold().split())


def _pipeline(condition: dict[str, Any], event: AutomationEvent) -> Checked:
    pipelines, statuses = condition.get("pipeline_ids", []), condition.get("status_ids", [])
    if pipelines and event.pipeline_id not in pipelines:
        return Checked("pipeline_stage", False, f"pipeline {event.pipeline_id} is not listed")
    if statuses and event.status_id not in statuses:
        return Checked("pipeline_stage", False, f"stage {event.status_id} is not listed")
    return Checked("pipeline_stage", True, f"pipeline {event.pipeline_id}, stage {event.status_id}")


def _field(condition: dict[str, Any], event: AutomationEvent) -> Checked:
    field_id, op, expected = condition["field_id"], condition["op"], condition["value"]
    value = event.fields.get(field_id)
    for change in event.field_changes:
        if change.field_id == field_id and change.new is not None:
            value = change.new
    if value is None:
        return Checked("field", False, f"field {field_id} has no value")
    wanted = expected if isinstance(expected, list) else [expected]
    if op == "equals":
        passed = _fold(value) == _fold(wanted[0])
    elif op == "contains":
        passed = any(_fold(w) in _fold(value) for w in wanted)
    else:
        passed = _fold(value) in {_fold(w) for w in wanted}
    verdict = "holds" if passed else "does not hold"
    return Checked("field", passed, f"field {field_id} = {value!r}: {op} {expected!r} {verdict}")


def _tag(condition: dict[str, Any], event: AutomationEvent) -> Checked:
    tags = {_fold(t) for t in [*event.tags, *event.added_tags]}
    has = _fold(condition["tag"]) in tags
    passed = has if condition["kind"] == "has_tag" else not has
    state = "has" if has else "lacks"
    return Checked(condition["kind"], passed, f"the lead {state} the tag {condition['tag']!r}")


def _responsible(condition: dict[str, Any], event: AutomationEvent) -> Checked:
    passed = event.responsible_user_id in condition["user_ids"]
    return Checked(
        "responsible_in", passed, f"responsible user {event.responsible_user_id or 'unknown'}"
    )


def _time_of_day(condition: dict[str, Any], tenant_timezone: str, at: datetime) -> Checked:
    zone = zone_of(None, tenant_timezone)
    passed = in_time_of_day(condition["start"], condition["end"], condition["days"], zone, at)
    local = at.astimezone(zone).strftime("%a %H:%M")
    return Checked(
        "time_of_day",
        passed,
        f"{local} ({zone.key}) {'is' if passed else 'is not'} in "
        f"{condition['start']}-{condition['end']}",
    )


def _working_hours(condition: dict[str, Any], tenant_timezone: str, at: datetime) -> Checked:
    hours = condition["working_hours"]
    inside = open_at(hours, tenant_timezone, at)
    passed = inside == condition.get("inside", True)
    local = at.astimezone(zone_of(hours, tenant_timezone)).strftime("%a %H:%M")
    where = "inside" if inside else "outside"
    return Checked("working_hours", passed, f"{local} is {where} the working hours")


async def _handed_off(
    session: AsyncSession, tenant_id: uuid.UUID, condition: dict[str, Any], lead_id: int | None
) -> Checked:
    found = False
    if lead_id is not None:
        found = (
            await session.scalar(
                scoped(select(Conversation.id), Conversation, tenant_id)
                .where(
                    Conversation.channel == Channel.kommo,
                    Conversation.external_lead_id == str(lead_id),
                    Conversation.status == ConversationStatus.handed_off,
                )
                .limit(1)
            )
            is not None
        )
    passed = found == condition.get("value", True)
    state = "is handed off to a person" if found else "is not handed off"
    return Checked("handed_off", passed, f"the lead's conversation {state}")


async def _classification(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    condition: dict[str, Any],
    event: AutomationEvent,
    simulate: bool,
) -> Checked:
    if not event.text:
        return Checked("classification", False, "the event has no message")
    labelled = await classify(
        session,
        settings,
        tenant_id,
        event.text,
        condition["labels"],
        condition.get("threshold", 0.45),
        record_usage=not simulate,
    )
    passed = labelled.label is not None and _fold(labelled.label) == _fold(condition["label"])
    return Checked(
        "classification",
        passed,
        f"labelled {labelled.label or 'none'!r} by {labelled.method} ({labelled.score})",
    )


async def check(
    session: AsyncSession,
    settings: Settings,
    tenant_timezone: str,
    conditions: list[dict[str, Any]],
    event: AutomationEvent,
    at: datetime,
    *,
    simulate: bool = False,
) -> list[Checked]:
    """Every condition's outcome, in order (all are checked, so a run shows each one)."""
    out = []
    for condition in conditions:
        kind = condition["kind"]
        if kind == "pipeline_stage":
            out.append(_pipeline(condition, event))
        elif kind == "field":
            out.append(_field(condition, event))
        elif kind in ("has_tag", "lacks_tag"):
            out.append(_tag(condition, event))
        elif kind == "responsible_in":
            out.append(_responsible(condition, event))
        elif kind == "time_of_day":
            out.append(_time_of_day(condition, tenant_timezone, at))
        elif kind == "working_hours":
            out.append(_working_hours(condition, tenant_timezone, at))
        elif kind == "handed_off":
            out.append(await _handed_off(session, event.tenant_id, condition, event.lead_id))
        elif kind == "classification":
            out.append(
                await _classification(
                    session, settings, event.tenant_id, condition, event, simulate
                )
            )
        else:
            out.append(Checked(kind, False, "unknown condition"))
    return out
