"""Events in, rules run: `handle_event` evaluates the workspace's enabled rules for the event's
trigger in priority order (lower first), records each run and honours `stop_processing`.

Loop safety: a rule's own actions do not trigger it again. An action that may come back from
the CRM as an event (a stage it moved the lead to, tags it added, a field it set) is recorded
with that `effect` (`automation_action`, with the rule and lead). An event on the same lead
within `AUTOMATION_ECHO_WINDOW_SECONDS` that matches a recorded effect of a rule (the same
trigger; the same stage, one of the tags, one of the fields) is that rule's own action coming
back: the rule is skipped for it, and the run says so (outcome `skipped`). Other rules still
see the event. A re-delivered event (the same `source_event_id`) runs each rule once.

Exit conditions of the lead's sequences are checked first, so that a reply ends a follow-up
before any rule acts on it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.automation import enrolments
from agentplatform.automation.actions import ActionContext, run_actions, template_values
from agentplatform.automation.conditions import Checked, check
from agentplatform.automation.models import AutomationAction, AutomationRule, RuleRun, RunOutcome
from agentplatform.automation.schemas import AutomationEvent, TriggerKind
from agentplatform.core.db import utcnow
from agentplatform.core.scoped import scoped
from agentplatform.core.settings import Settings


@dataclass(frozen=True)
class Evaluation:
    outcome: RunOutcome
    detail: str
    conditions: list[Checked]


def trigger_matches(trigger: dict[str, Any], event: AutomationEvent) -> bool:
    """Whether the rule's trigger, beyond its kind, fits the event."""
    kind = trigger["kind"]
    if kind == TriggerKind.field_changed:
        wanted = set(trigger.get("field_ids", []))
        return not wanted or bool(wanted & {c.field_id for c in event.field_changes})
    if kind == TriggerKind.tag_added:
        wanted = {t.casefold() for t in trigger.get("tags", [])}
        return not wanted or bool(wanted & {t.casefold() for t in event.added_tags})
    if kind == TriggerKind.no_reply_for:
        return bool(event.silent_minutes == trigger["minutes"])
    if kind == TriggerKind.schedule:
        return event.rule_id is not None
    return True


async def rules_for(session: AsyncSession, event: AutomationEvent) -> list[AutomationRule]:
    stmt = (
        scoped(select(AutomationRule), AutomationRule, event.tenant_id)
        .where(AutomationRule.enabled.is_(True), AutomationRule.trigger_kind == event.kind.value)
        .order_by(AutomationRule.priority, AutomationRule.created_at, AutomationRule.id)
    )
    if event.rule_id is not None:
        stmt = stmt.where(AutomationRule.id == event.rule_id)
    return [rule for rule in await session.scalars(stmt) if trigger_matches(rule.trigger, event)]


def _echoes(effect: dict[str, Any], event: AutomationEvent) -> bool:
    if effect.get("trigger") != event.kind.value:
        return False
    if event.kind is TriggerKind.stage_changed:
        return bool(effect.get("status_id") == event.status_id)
    if event.kind is TriggerKind.tag_added:
        added = {t.casefold() for t in event.added_tags}
        return bool(added & {t.casefold() for t in effect.get("tags", [])})
    if event.kind is TriggerKind.field_changed:
        return bool(set(effect.get("field_ids", [])) & {c.field_id for c in event.field_changes})
    return False


async def own_echo(
    session: AsyncSession, settings: Settings, rule: AutomationRule, event: AutomationEvent
) -> bool:
    """Whether the event is this rule's own recent action on the lead coming back."""
    if event.lead_id is None or event.kind not in (
        TriggerKind.stage_changed,
        TriggerKind.tag_added,
        TriggerKind.field_changed,
    ):
        return False
    since = utcnow() - timedelta(seconds=settings.automation_echo_window_seconds)
    effects = await session.scalars(
        scoped(select(AutomationAction.effect), AutomationAction, event.tenant_id).where(
            AutomationAction.lead_id == event.lead_id,
            AutomationAction.rule_id == rule.id,
            AutomationAction.created_at > since,
            AutomationAction.effect.is_not(None),
        )
    )
    return any(_echoes(effect, event) for effect in effects if effect)


async def evaluate(
    session: AsyncSession,
    settings: Settings,
    zone: str,
    rule: AutomationRule,
    event: AutomationEvent,
    *,
    simulate: bool = False,
) -> Evaluation:
    if await own_echo(session, settings, rule, event):
        return Evaluation(
            RunOutcome.skipped,
            "loop safety: the event is this rule's own action coming back",
            [],
        )
    at = event.occurred_at or utcnow()
    checked = await check(session, settings, zone, rule.conditions, event, at, simulate=simulate)
    if all(c.passed for c in checked):
        return Evaluation(RunOutcome.matched, "every condition holds", checked)
    failed = next(c for c in checked if not c.passed)
    return Evaluation(RunOutcome.not_matched, f"{failed.kind}: {failed.detail}", checked)


def event_record(event: AutomationEvent) -> dict[str, Any]:
    return event.model_dump(mode="json", exclude_defaults=True)


def context_for(
    settings: Settings, rule: AutomationRule, event: AutomationEvent, *, dry_run: bool
) -> ActionContext:
    record = event_record(event)
    return ActionContext(
        tenant_id=event.tenant_id,
        settings=settings,
        lead_id=event.lead_id,
        rule_id=rule.id,
        origin=f"rule:{rule.id}",
        template=template_values(event.lead_id, event.lead_name, event.fields, record),
        event=record,
        dry_run=dry_run,
    )


async def _already_ran(session: AsyncSession, rule: AutomationRule, event: AutomationEvent) -> bool:
    if event.source_event_id is None:
        return False
    found = await session.scalar(
        scoped(select(RuleRun.id), RuleRun, event.tenant_id).where(
            RuleRun.rule_id == rule.id, RuleRun.source_event_id == event.source_event_id
        )
    )
    return found is not None


async def handle_event(
    session: AsyncSession, settings: Settings, redis: Redis | None, event: AutomationEvent
) -> list[RuleRun]:
    """Runs the workspace's rules for the event; the runs recorded (the caller commits)."""
    await enrolments.exits(session, event)
    zone = await enrolments.tenant_timezone(session, event.tenant_id)
    runs: list[RuleRun] = []
    for rule in await rules_for(session, event):
        if await _already_ran(session, rule, event):
            continue
        evaluation = await evaluate(session, settings, zone, rule, event)
        run = RuleRun(
            id=uuid.uuid4(),
            tenant_id=event.tenant_id,
            rule_id=rule.id,
            rule_version=rule.version,
            event_kind=event.kind.value,
            lead_id=event.lead_id,
            source_event_id=event.source_event_id,
            event=event_record(event),
            outcome=evaluation.outcome,
            conditions=[c.as_record() for c in evaluation.conditions],
            actions=[],
            detail=evaluation.detail,
        )
        if evaluation.outcome is RunOutcome.matched:
            ctx = context_for(settings, rule, event, dry_run=False)
            run.actions = await run_actions(session, ctx, rule.actions, f"rule:{run.id}")
        session.add(run)
        await session.flush()
        runs.append(run)
        if evaluation.outcome is RunOutcome.matched and rule.stop_processing:
            break
    return runs
