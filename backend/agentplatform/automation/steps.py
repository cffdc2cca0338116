"""Due sequence steps: rows in PostgreSQL on the house's durable-work mechanism (`core.work`).

- **claim**: a cron pass (`claim_due`, every few seconds) takes due steps with `claim_fairest`
  (round robin across workspaces, so one workspace's thousands of due steps do not delay
  another's one), marks each `running` under a fresh claim, and after the commit sends one
  `sequence:step` job per claim, with the id `sequence-step:{step id}:{attempt}`: a job sent
  twice for the same claim runs once. At most `AUTOMATION_STEP_BATCH` claimed steps wait for a
  worker at a time.
- **lost jobs**: Redis is never the schedule. A due step still `scheduled` is simply claimed by
  the next pass; a claimed step whose job never started (Redis flushed after the claim) has the
  same job sent again after `AUTOMATION_STEP_RESEND_SECONDS`; a step whose worker died while it
  ran is re-queued by the work sweep (an attempt used) and claimed again.
- **at most once**: the job runs only while its claim stands, marks the step started before it
  acts, and reserves each action's key (`step:{step id}:{index}`) in a transaction of its own
  before doing it, so a step taken again after a death skips what was already begun.
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
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.automation import enrolments
from agentplatform.automation.actions import ActionContext, reserve_in, run_actions
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


def _send(session: AsyncSession, row: SequenceStep) -> None:
    assert row.run_id is not None
    enqueue_after_commit(
        session,
        STEP_JOB,
        str(row.id),
        str(row.run_id),
        job_id=step_job_id(row.id, row.attempts),
    )


async def claim_due(session: AsyncSession, settings: Settings) -> int:
    """One pass: claims due steps fairly and sends their jobs after the commit; re-sends the
    jobs of claims that never started. How many jobs it sent."""
    stale = utcnow() - timedelta(seconds=settings.automation_step_resend_seconds)
    waiting = list(
        await session.scalars(
            select(SequenceStep)
            .where(SequenceStep.status == StepStatus.running, SequenceStep.started_at.is_(None))
            .with_for_update(skip_locked=True)
        )
    )
    sent = 0
    for row in waiting:
        if row.heartbeat_at is not None and row.heartbeat_at < stale:
            row.heartbeat_at = utcnow()  # its job was lost: the same job again
            _send(session, row)
            sent += 1
    for _ in range(max(0, settings.automation_step_batch - len(waiting))):
        taken = await work.claim_fairest(session, STEPS)
        if taken is None:
            break
        await session.flush()  # the next fair pick sees this workspace as just served
        _send(session, taken[0])
        sent += 1
    return sent


@dataclass(frozen=True)
class Ran:
    outcome: str  # "done", "skipped", "paused", "lost"
    results: list[dict[str, Any]]


async def _reserve(
    maker: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID, lead_id: int
) -> Any:
    async def reserve(key: str, kind: str) -> bool:
        async with unit_of_work(maker, None) as session:
            return await reserve_in(session, tenant_id, lead_id, key, kind)

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
            reserve=await _reserve(maker, step.tenant_id, enrolment.lead_id),
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
