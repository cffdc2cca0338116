"""A lead in a sequence: enrol (at most one live enrolment of a sequence per lead), its next
step scheduled as a row, pause and resume (per enrolment and per sequence), stop, and the exit
conditions an event meets."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.automation.models import (
    AutomationSequence,
    AutomationSequenceRevision,
    EnrolmentStatus,
    SequenceEnrolment,
    SequenceStep,
    StepStatus,
)
from agentplatform.automation.schemas import AutomationEvent, TriggerKind
from agentplatform.automation.timing import due_after, land
from agentplatform.chat.models import Channel, Conversation, Message, MessageRole
from agentplatform.core.db import utcnow
from agentplatform.core.errors import Conflict
from agentplatform.core.scoped import get_scoped, scoped
from agentplatform.tenancy.models import Tenant

LIVE = (EnrolmentStatus.active, EnrolmentStatus.paused)
PENDING = (StepStatus.scheduled, StepStatus.paused)


async def tenant_timezone(session: AsyncSession, tenant_id: uuid.UUID) -> str:
    zone = await session.scalar(select(Tenant.timezone).where(Tenant.id == tenant_id))
    return zone or "UTC"


async def definition(session: AsyncSession, enrolment: SequenceEnrolment) -> dict[str, Any]:
    """The sequence as it was when the lead was enrolled (its revision's snapshot)."""
    revision = await session.scalar(
        scoped(
            select(AutomationSequenceRevision), AutomationSequenceRevision, enrolment.tenant_id
        ).where(
            AutomationSequenceRevision.sequence_id == enrolment.sequence_id,
            AutomationSequenceRevision.version == enrolment.sequence_version,
        )
    )
    return revision.snapshot if revision is not None else {"steps": [], "exit_on": []}


def schedule_step(
    session: AsyncSession,
    enrolment: SequenceEnrolment,
    index: int,
    due: Any,
    *,
    paused: bool,
) -> SequenceStep:
    """The enrolment's step `index`, due at `due` (a claim takes it then: `steps`)."""
    step = SequenceStep(
        tenant_id=enrolment.tenant_id,
        enrolment_id=enrolment.id,
        sequence_id=enrolment.sequence_id,
        step_index=index,
        due_at=due,
        next_attempt_at=due,
        status=StepStatus.paused if paused else StepStatus.scheduled,
        results=[],
    )
    session.add(step)
    enrolment.current_step = index
    return step


async def enrol(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    sequence_id: uuid.UUID,
    lead_id: int,
    template: dict[str, dict[str, Any]],
    by: str,
) -> SequenceEnrolment | None:
    """The lead's new enrolment with its first step scheduled; None if it is in it already."""
    sequence = await get_scoped(
        session, AutomationSequence, tenant_id, sequence_id, "Sequence not found"
    )
    live = await session.scalar(
        scoped(select(SequenceEnrolment.id), SequenceEnrolment, tenant_id).where(
            SequenceEnrolment.sequence_id == sequence_id,
            SequenceEnrolment.lead_id == lead_id,
            SequenceEnrolment.status.in_(LIVE),
        )
    )
    if live is not None:
        return None
    enrolment = SequenceEnrolment(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        sequence_id=sequence_id,
        sequence_version=sequence.version,
        lead_id=lead_id,
        status=EnrolmentStatus.active,
        context={"lead": template.get("lead", {}), "fields": template.get("fields", {})},
        enrolled_by=by[:100],
    )
    try:
        async with session.begin_nested():  # two enrolments at once: the unique index decides
            session.add(enrolment)
            await session.flush()
    except IntegrityError:
        return None
    zone = await tenant_timezone(session, tenant_id)
    due = due_after(sequence.steps[0]["wait"], utcnow(), sequence.working_hours, zone)
    schedule_step(session, enrolment, 0, due, paused=sequence.paused)
    await session.flush()
    return enrolment


async def _pending_step(session: AsyncSession, enrolment: SequenceEnrolment) -> SequenceStep | None:
    return await session.scalar(
        scoped(select(SequenceStep), SequenceStep, enrolment.tenant_id)
        .where(SequenceStep.enrolment_id == enrolment.id, SequenceStep.status.in_(PENDING))
        .with_for_update()
    )


async def end(
    session: AsyncSession, enrolment: SequenceEnrolment, status: EnrolmentStatus, reason: str
) -> None:
    """Ends the enrolment; its waiting step will not run."""
    enrolment.status = status
    enrolment.exit_reason = reason[:2000]
    enrolment.finished_at = utcnow()
    step = await _pending_step(session, enrolment)
    if step is not None:
        step.status = StepStatus.cancelled
        step.finished_at = utcnow()
    await session.flush()


async def get_enrolment(
    session: AsyncSession, tenant_id: uuid.UUID, enrolment_id: uuid.UUID
) -> SequenceEnrolment:
    return await get_scoped(
        session, SequenceEnrolment, tenant_id, enrolment_id, "Enrolment not found", for_update=True
    )


async def pause(
    session: AsyncSession, tenant_id: uuid.UUID, enrolment_id: uuid.UUID
) -> SequenceEnrolment:
    enrolment = await get_enrolment(session, tenant_id, enrolment_id)
    if enrolment.status not in LIVE:
        raise Conflict(f"The enrolment has ended ({enrolment.status.value})")
    enrolment.status = EnrolmentStatus.paused
    step = await _pending_step(session, enrolment)
    if step is not None:
        step.status = StepStatus.paused
    await session.flush()
    return enrolment


def _wake(step: SequenceStep, sequence: AutomationSequence, zone: str) -> None:
    """A paused step waits again: at its time, or (its time gone by) at the next opening."""
    now = utcnow()
    step.status = StepStatus.scheduled
    step.next_attempt_at = (
        step.due_at if step.due_at > now else land(sequence.working_hours, zone, now)
    )
    step.run_id = None


async def resume(
    session: AsyncSession, tenant_id: uuid.UUID, enrolment_id: uuid.UUID
) -> SequenceEnrolment:
    enrolment = await get_enrolment(session, tenant_id, enrolment_id)
    if enrolment.status not in LIVE:
        raise Conflict(f"The enrolment has ended ({enrolment.status.value})")
    enrolment.status = EnrolmentStatus.active
    sequence = await get_scoped(
        session, AutomationSequence, tenant_id, enrolment.sequence_id, "Sequence not found"
    )
    step = await _pending_step(session, enrolment)
    if step is not None and not sequence.paused:
        _wake(step, sequence, await tenant_timezone(session, tenant_id))
    await session.flush()
    return enrolment


async def stop(
    session: AsyncSession, tenant_id: uuid.UUID, enrolment_id: uuid.UUID, by: str
) -> SequenceEnrolment:
    enrolment = await get_enrolment(session, tenant_id, enrolment_id)
    if enrolment.status in LIVE:
        await end(session, enrolment, EnrolmentStatus.stopped, f"stopped by {by}")
    return enrolment


async def stop_lead(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    lead_id: int,
    sequence_id: uuid.UUID | None,
    reason: str,
) -> int:
    stmt = scoped(select(SequenceEnrolment), SequenceEnrolment, tenant_id).where(
        SequenceEnrolment.lead_id == lead_id, SequenceEnrolment.status.in_(LIVE)
    )
    if sequence_id is not None:
        stmt = stmt.where(SequenceEnrolment.sequence_id == sequence_id)
    live = list(await session.scalars(stmt.with_for_update()))
    for enrolment in live:
        await end(session, enrolment, EnrolmentStatus.stopped, reason)
    return len(live)


async def pause_sequence(session: AsyncSession, sequence: AutomationSequence) -> None:
    sequence.paused = True
    await session.execute(
        update(SequenceStep)
        .where(SequenceStep.sequence_id == sequence.id, SequenceStep.status == StepStatus.scheduled)
        .values(status=StepStatus.paused)
    )
    await session.flush()


async def resume_sequence(session: AsyncSession, sequence: AutomationSequence) -> None:
    sequence.paused = False
    zone = await tenant_timezone(session, sequence.tenant_id)
    steps = await session.scalars(
        select(SequenceStep)
        .join(SequenceEnrolment, SequenceEnrolment.id == SequenceStep.enrolment_id)
        .where(
            SequenceStep.sequence_id == sequence.id,
            SequenceStep.status == StepStatus.paused,
            SequenceEnrolment.status == EnrolmentStatus.active,
        )
        .with_for_update(of=SequenceStep)
    )
    for step in steps:
        _wake(step, sequence, zone)
    await session.flush()


def _exit_reason(exit_on: list[dict[str, Any]], event: AutomationEvent) -> str | None:
    for condition in exit_on:
        kind = condition["kind"]
        if kind == "replied" and event.kind is TriggerKind.incoming_message:
            return "the client replied"
        if kind == "stage_changed" and event.kind is TriggerKind.stage_changed:
            return f"the lead moved to stage {event.status_id}"
        if kind == "tag_added" and event.kind is TriggerKind.tag_added:
            wanted = {t.casefold() for t in condition.get("tags", [])}
            added = {t.casefold() for t in event.added_tags}
            if not wanted or wanted & added:
                return f"tag added: {', '.join(event.added_tags)}"
    return None


async def exits(
    session: AsyncSession, event: AutomationEvent, *, simulate: bool = False
) -> list[dict[str, Any]]:
    """The lead's live enrolments this event ends (ended, unless simulating)."""
    if event.lead_id is None:
        return []
    live = list(
        await session.scalars(
            scoped(select(SequenceEnrolment), SequenceEnrolment, event.tenant_id)
            .where(SequenceEnrolment.lead_id == event.lead_id, SequenceEnrolment.status.in_(LIVE))
            .order_by(SequenceEnrolment.created_at)
        )
    )
    out = []
    for enrolment in live:
        reason = _exit_reason((await definition(session, enrolment)).get("exit_on", []), event)
        if reason is None:
            continue
        out.append(
            {
                "enrolment_id": str(enrolment.id),
                "sequence_id": str(enrolment.sequence_id),
                "reason": reason,
            }
        )
        if not simulate:
            locked = await get_enrolment(session, event.tenant_id, enrolment.id)
            await end(session, locked, EnrolmentStatus.exited, reason)
    return out


async def replied_since(session: AsyncSession, enrolment: SequenceEnrolment) -> bool:
    """Whether the client wrote in the lead's Kommo conversation since the enrolment began (the
    check before each step, beside the events that end an enrolment when they arrive)."""
    found = await session.scalar(
        scoped(select(Message.id), Message, enrolment.tenant_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.channel == Channel.kommo,
            Conversation.external_lead_id == str(enrolment.lead_id),
            Message.role == MessageRole.user,
            Message.created_at > enrolment.created_at,
        )
        .limit(1)
    )
    return found is not None
