"""Due sequence steps: rows in PostgreSQL on the house's durable-work mechanism (`core.work`).

- **claim**: a cron pass (`claim_due`, every few seconds) ranks due steps as `claim_fairest`
  does (round robin across workspaces, so one workspace's thousands of due steps do not delay
  another's one) and takes them with `core.work.claim`, each `running` under a fresh claim;
  after the commit it sends one `sequence:step` job per claim, with the id
  `sequence-step:{step id}:{attempt}`: a job sent twice for the same claim runs once. At most
  `AUTOMATION_STEP_BATCH` claimed steps wait for a worker at a time.
- **lost jobs**: Redis is never the schedule. A due step still `scheduled` is simply claimed by
  the next pass; a claimed step whose job never started (Redis flushed after the claim) has the
  same job sent again after `AUTOMATION_STEP_RESEND_SECONDS`; a step whose worker died while it
  ran is re-queued by the work sweep (an attempt used) and claimed again.
- **at most once**: the job runs only while its claim stands, marks the step started before it
  acts, and reserves each action's key (`step:{step id}:{index}`), committed before doing it,
  so a step taken again after a death skips what was already begun.
- Before acting, the step checks that its enrolment is still active (an event may have ended
  it), that the sequence is not paused, and that the client has not replied since the
  enrolment began (when the sequence exits on a reply). Then it schedules the next step from
  its own planned time (`timing`), or completes the enrolment.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from arq import ArqRedis
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.automation import enrolments
from agentplatform.automation.actions import ActionContext, Reserver, reserve_in, run_actions
from agentplatform.automation.models import (
    AutomationSequence,
    EnrolmentStatus,
    SequenceEnrolment,
    SequenceStep,
    StepStatus,
)
from agentplatform.automation.timing import due_after
from agentplatform.core import work
from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.jobs import enqueue_after_commit
from agentplatform.core.settings import Settings

STEP_JOB = "sequence:step"


def requeue_step(session: AsyncSession, row: SequenceStep) -> None:
    """Back to waiting (the work sweep, for a step whose worker died): the next claim pass
    takes it."""
    row.status = StepStatus.scheduled
    row.run_id = None
    row.next_attempt_at = None
    row.started_at = None


STEPS: work.WorkKind[SequenceStep] = work.WorkKind(
    name="sequence step",
    model=SequenceStep,
    key=SequenceStep.id,
    status=SequenceStep.status,
    queued=StepStatus.scheduled,
    running=StepStatus.running,
    active=(StepStatus.running,),
    failed=StepStatus.failed,
    doing="running this sequence step",
    requeue=requeue_step,
)


def step_job_id(step_id: uuid.UUID, attempts: int) -> str:
    return f"sequence-step:{step_id}:{attempts}"


def _send(session: AsyncSession, step_id: uuid.UUID, run_id: uuid.UUID, attempts: int) -> None:
    enqueue_after_commit(
        session, STEP_JOB, str(step_id), str(run_id), job_id=step_job_id(step_id, attempts)
    )


def _fair_candidates(limit: int) -> Select[tuple[uuid.UUID]]:
    """Due steps in fair order: every workspace's first due step before anyone's second (the
    workspace served least recently first), each workspace's steps by due time."""
    due = or_(SequenceStep.next_attempt_at.is_(None), SequenceStep.next_attempt_at <= func.now())
    waiting = (
        select(
            SequenceStep.id,
            SequenceStep.tenant_id,
            SequenceStep.next_attempt_at,
            func.row_number()
            .over(
                partition_by=SequenceStep.tenant_id,
                order_by=(SequenceStep.next_attempt_at, SequenceStep.created_at),
            )
            .label("position"),
        )
        .where(SequenceStep.status == StepStatus.scheduled, due)
        .cte("waiting")
    )
    served = (
        select(SequenceStep.tenant_id, func.max(SequenceStep.heartbeat_at).label("last_served"))
        .where(SequenceStep.tenant_id.in_(select(waiting.c.tenant_id).distinct()))
        .group_by(SequenceStep.tenant_id)
        .cte("served")
    )
    return (
        select(waiting.c.id)
        .join(served, served.c.tenant_id == waiting.c.tenant_id)
        .order_by(
            waiting.c.position,
            served.c.last_served.asc().nulls_first(),
            waiting.c.next_attempt_at.asc().nulls_first(),
        )
        .limit(limit)
    )


async def claim_due(session: AsyncSession, settings: Settings) -> int:
    """One pass: claims due steps fairly and sends their jobs after the commit; re-sends the
    jobs of claims that never started. How many jobs it sent.

    Rows a job may be starting are never locked here for long: the lost claims are touched by
    one UPDATE, and the due rows are ranked once and then claimed one by one by key."""
    stale = utcnow() - timedelta(seconds=settings.automation_step_resend_seconds)
    unstarted = (SequenceStep.status == StepStatus.running, SequenceStep.started_at.is_(None))
    lost = list(
        await session.execute(
            update(SequenceStep)
            .where(*unstarted, SequenceStep.heartbeat_at < stale)
            .values(heartbeat_at=utcnow())
            .returning(SequenceStep.id, SequenceStep.run_id, SequenceStep.attempts)
        )
    )
    for step_id, run_id, attempts in lost:  # their jobs were lost: the same jobs again
        if run_id is not None:
            _send(session, step_id, run_id, attempts)
    waiting = int(
        await session.scalar(select(func.count()).select_from(SequenceStep).where(*unstarted)) or 0
    )
    room = max(0, settings.automation_step_batch - waiting)
    sent = len(lost)
    if room == 0:
        return sent
    for key in (await session.execute(_fair_candidates(room))).scalars().all():
        taken = await work.claim(session, STEPS, key)
        if taken is not None:
            row, held = taken
            _send(session, row.id, held.run_id, held.attempts)
            sent += 1
    return sent


@dataclass(frozen=True)
class Ran:
    outcome: str  # "done", "skipped", "paused", "lost"
    results: list[dict[str, Any]]


def _reserver(session: AsyncSession, tenant_id: uuid.UUID, lead_id: int) -> Reserver:
    """Reserves an action's key and commits at once, before the action is taken (on the job's
    own connection: a step never holds two)."""

    async def reserve(key: str, kind: str) -> bool:
        fresh = await reserve_in(session, tenant_id, lead_id, key, kind)
        await session.commit()
        return fresh

    return reserve


async def _hold(session: AsyncSession, held: work.Claim, status: StepStatus, why: str) -> Ran:
    await work.update_claimed(
        session,
        STEPS,
        held,
        status=status,
        last_error=None if status is StepStatus.paused else why,
        finished_at=None if status is StepStatus.paused else utcnow(),
    )
    return Ran("paused" if status is StepStatus.paused else "skipped", [])


async def _act(
    maker: async_sessionmaker[AsyncSession],
    arq: ArqRedis | None,
    settings: Settings,
    held: work.Claim,
) -> Ran:
    async with unit_of_work(maker, arq) as session:
        step = await session.get(SequenceStep, held.key)
        if step is None or step.run_id != held.run_id:
            return Ran("lost", [])
        enrolment = await session.get(SequenceEnrolment, step.enrolment_id, with_for_update=True)
        sequence = await session.get(AutomationSequence, step.sequence_id)
        if enrolment is None or sequence is None:
            return await _hold(session, held, StepStatus.cancelled, "the enrolment is gone")
        if enrolment.status is EnrolmentStatus.paused or sequence.paused:
            return await _hold(session, held, StepStatus.paused, "paused")
        if enrolment.status is not EnrolmentStatus.active:
            return await _hold(session, held, StepStatus.cancelled, "the enrolment has ended")
        snapshot = await enrolments.definition(session, enrolment)
        exit_on = {e["kind"] for e in snapshot.get("exit_on", [])}
        if "replied" in exit_on and await enrolments.replied_since(session, enrolment):
            await enrolments.end(session, enrolment, EnrolmentStatus.exited, "the client replied")
            return await _hold(session, held, StepStatus.cancelled, "the client replied")
        steps = snapshot["steps"]
        definition = steps[step.step_index]
        ctx = ActionContext(
            tenant_id=step.tenant_id,
            settings=settings,
            lead_id=enrolment.lead_id,
            rule_id=None,
            origin=f"sequence:{sequence.id}",
            template={**enrolment.context, "event": {}},
            event={"sequence_id": str(sequence.id), "step_index": step.step_index},
        )
        results = await run_actions(
            session,
            ctx,
            definition["actions"],
            f"step:{step.id}",
            reserve=_reserver(session, step.tenant_id, enrolment.lead_id),
        )
        if step.step_index + 1 < len(steps):
            zone = await enrolments.tenant_timezone(session, step.tenant_id)
            due = due_after(
                steps[step.step_index + 1]["wait"],
                step.due_at,
                snapshot.get("working_hours"),
                zone,
            )
            enrolments.schedule_step(
                session, enrolment, step.step_index + 1, due, paused=sequence.paused
            )
        else:
            enrolment.status = EnrolmentStatus.completed
            enrolment.finished_at = utcnow()
        kept = await work.update_claimed(
            session, STEPS, held, status=StepStatus.done, results=results, finished_at=utcnow()
        )
        if kept is None:  # taken from this job meanwhile: its reserved actions stay done
            await session.rollback()
            return Ran("lost", results)
        return Ran("done", results)


async def run_step(
    maker: async_sessionmaker[AsyncSession],
    arq: ArqRedis | None,
    settings: Settings,
    step_id: uuid.UUID,
    run_id: uuid.UUID,
) -> Ran:
    """Runs the step under the claim a pass gave it (nothing if the claim no longer stands)."""
    async with unit_of_work(maker, None) as session:
        step = await session.get(SequenceStep, step_id)
        if step is None or step.run_id != run_id or step.status is not StepStatus.running:
            return Ran("lost", [])
        held = work.Claim(step.id, step.tenant_id, run_id, step.attempts)
        if await work.update_claimed(session, STEPS, held, started_at=utcnow()) is None:
            return Ran("lost", [])
    async with work.kept_alive(maker, STEPS, held, work.beat_every(settings)):
        try:
            return await _act(maker, arq, settings, held)
        except Exception as exc:
            await work.retry_or_fail(maker, settings, STEPS, held, f"{type(exc).__name__}: {exc}")
            raise
