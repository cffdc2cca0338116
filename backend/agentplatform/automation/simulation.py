"""What would happen for an event on a lead: which rules match (each condition's outcome), their
actions as a dry run (CRM actions through the CRM interface's dry run), the enrolments the event
would end, and for each sequence a rule would start the real dates its steps would run
(working hours applied). Nothing is sent, stored or enrolled."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.automation import enrolments
from agentplatform.automation.actions import render, run_actions
from agentplatform.automation.engine import context_for, evaluate, rules_for
from agentplatform.automation.models import (
    AutomationRule,
    AutomationSequence,
    RunOutcome,
    SequenceEnrolment,
)
from agentplatform.automation.schemas import (
    AutomationEvent,
    SimulatedEvent,
    SimulatedRule,
    SimulatedSequence,
    SimulateResponse,
    TimelineStep,
    shown,
)
from agentplatform.automation.timing import timeline
from agentplatform.core.db import utcnow
from agentplatform.core.scoped import find_scoped, scoped
from agentplatform.core.settings import Settings


async def _sequence_plan(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    zone: str,
    sequence_id: uuid.UUID,
    lead_id: int | None,
    start: Any,
    template: dict[str, dict[str, Any]],
) -> SimulatedSequence | None:
    sequence = await find_scoped(session, AutomationSequence, tenant_id, sequence_id)
    if sequence is None:
        return None
    enrolled = lead_id is not None and (
        await session.scalar(
            scoped(select(SequenceEnrolment.id), SequenceEnrolment, tenant_id).where(
                SequenceEnrolment.sequence_id == sequence_id,
                SequenceEnrolment.lead_id == lead_id,
                SequenceEnrolment.status.in_(enrolments.LIVE),
            )
        )
        is not None
    )
    dates = timeline(sequence.steps, start, sequence.working_hours, zone)
    steps = []
    for index, (step, due) in enumerate(zip(sequence.steps, dates, strict=True)):
        actions = []
        for action in shown(step["actions"]):
            if "text" in action:
                action = {**action, "text": render(action["text"], template)}
            actions.append(action)
        steps.append(
            TimelineStep(step_index=index, name=step.get("name", ""), due_at=due, actions=actions)
        )
    return SimulatedSequence(
        sequence_id=sequence.id, name=sequence.name, already_enrolled=enrolled, timeline=steps
    )


async def _simulate_rule(
    session: AsyncSession,
    settings: Settings,
    zone: str,
    rule: AutomationRule,
    event: AutomationEvent,
) -> SimulatedRule:
    evaluation = await evaluate(session, settings, zone, rule, event, simulate=True)
    actions: list[dict[str, Any]] = []
    sequences: list[SimulatedSequence] = []
    if evaluation.outcome is RunOutcome.matched:
        ctx = context_for(settings, rule, event, dry_run=True)
        actions = await run_actions(session, ctx, rule.actions, "simulation")
        start = event.occurred_at or utcnow()
        for action in rule.actions:
            if action["kind"] == "start_sequence":
                plan = await _sequence_plan(
                    session,
                    event.tenant_id,
                    zone,
                    uuid.UUID(str(action["sequence_id"])),
                    event.lead_id,
                    start,
                    ctx.template,
                )
                if plan is not None:
                    sequences.append(plan)
    return SimulatedRule(
        rule_id=rule.id,
        name=rule.name,
        version=rule.version,
        outcome=evaluation.outcome,
        detail=evaluation.detail,
        conditions=[c.as_record() for c in evaluation.conditions],
        actions=actions,
        sequences=sequences,
    )


async def simulate(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID, given: SimulatedEvent
) -> SimulateResponse:
    event = AutomationEvent(tenant_id=tenant_id, **given.model_dump(exclude_unset=True))
    zone = await enrolments.tenant_timezone(session, tenant_id)
    exits = await enrolments.exits(session, event, simulate=True)
    out = []
    for rule in await rules_for(session, event):
        simulated = await _simulate_rule(session, settings, zone, rule, event)
        out.append(simulated)
        if simulated.outcome is RunOutcome.matched and rule.stop_processing:
            break
    return SimulateResponse(rules=out, exits=exits)
