"""Due steps survive Redis: flushed while 1,000 steps wait, and again after their jobs were
sent, every step still runs exactly once; a step whose worker died mid-step never repeats what
it began."""

from __future__ import annotations

import uuid
from datetime import timedelta

from agentplatform.automation import enrolments, steps, tasks
from agentplatform.automation.actions import template_values
from agentplatform.automation.models import (
    AutomationAction,
    EnrolmentStatus,
    SequenceEnrolment,
    SequenceStep,
    StepStatus,
)
from agentplatform.core import work
from agentplatform.core.db import create_sessionmaker, unit_of_work, utcnow
from agentplatform.core.settings import Settings
from arq import ArqRedis
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.automation.conftest import sequence, workspace
from tests.worker_support import run_burst

ONE_STEP = [
    {
        "wait": {"kind": "duration", "minutes": 0, "in_working_hours": False},
        "actions": [{"kind": "add_note", "text": "Follow-up for {{lead.name}}"}],
    }
]


async def _enrolled(
    maker: async_sessionmaker[AsyncSession], settings: Settings, tenants: int, leads: int
) -> list[uuid.UUID]:
    tenant_ids = []
    for _ in range(tenants):
        async with maker() as session:
            tenant_ids.append(await workspace(session))
    for tenant_id in tenant_ids:
        async with unit_of_work(maker, None) as session:
            made = await sequence(session, settings, tenant_id, ONE_STEP)
            for lead_id in range(1, leads + 1):
                values = template_values(lead_id, f"Lead {lead_id}", {}, {})
                await enrolments.enrol(session, tenant_id, made.id, lead_id, values, "test")
    return tenant_ids


async def _count(maker: async_sessionmaker[AsyncSession], *where: object) -> int:
    async with maker() as session:
        return int(
            await session.scalar(select(func.count()).select_from(SequenceStep).where(*where))  # type: ignore[arg-type]
            or 0
        )


async def test_redis_flushed_while_1000_steps_wait_runs_every_step_exactly_once(
    live_app: object, engine: AsyncEngine, redis: ArqRedis, live_settings: Settings
) -> None:
    settings = live_settings.model_copy(
        update={"automation_step_batch": 300, "automation_actions_per_tenant_hour": 10_000}
    )
    maker = create_sessionmaker(engine)
    await _enrolled(maker, settings, tenants=4, leads=250)
    assert await _count(maker, SequenceStep.status == StepStatus.scheduled) == 1000
    await redis.flushall()  # whatever Redis held about them is gone: the rows are the schedule

    ctx = {"sessionmaker": maker, "redis": redis, "settings": settings}
    assert await tasks.claim_due_steps(ctx) == 300
    assert await tasks.claim_due_steps(ctx) == 0  # claimed steps are not claimed twice
    await redis.flushall()  # and the jobs of those claims are lost too
    async with unit_of_work(maker, None) as session:  # a minute later: their jobs are sent again
        await session.execute(
            update(SequenceStep)
            .where(SequenceStep.status == StepStatus.running)
            .values(heartbeat_at=utcnow() - timedelta(minutes=5))
        )
    for _ in range(10):
        if not await tasks.claim_due_steps(ctx):
            break
        await run_burst(settings, cron_jobs=[])  # the claim passes are the test's own

    assert await _count(maker, SequenceStep.status == StepStatus.done) == 1000
    assert await _count(maker, SequenceStep.attempts == 1) == 1000
    async with maker() as session:
        keys = list(await session.scalars(select(AutomationAction.key)))
        assert len(keys) == len(set(keys)) == 1000
        outcomes = {
            r["outcome"]
            for results in await session.scalars(select(SequenceStep.results))
            for r in results
        }
        assert outcomes == {"not_connected"}  # each note asked once; none skipped or repeated
        done = await session.scalar(
            select(func.count())
            .select_from(SequenceEnrolment)
            .where(SequenceEnrolment.status == EnrolmentStatus.completed)
        )
        assert done == 1000


async def test_one_workspaces_backlog_does_not_hold_back_anothers_step(
    live_app: object, engine: AsyncEngine, redis: ArqRedis, live_settings: Settings
) -> None:
    settings = live_settings.model_copy(update={"automation_step_batch": 10})
    maker = create_sessionmaker(engine)
    [busy] = await _enrolled(maker, settings, tenants=1, leads=40)
    [quiet] = await _enrolled(maker, settings, tenants=1, leads=1)
    async with unit_of_work(maker, redis) as session:
        assert await steps.claim_due(session, settings) == 10
    async with maker() as session:
        claimed = list(
            await session.scalars(
                select(SequenceStep.tenant_id).where(SequenceStep.status == StepStatus.running)
            )
        )
    assert claimed.count(quiet) == 1  # in the first batch, though it came due last
    assert claimed.count(busy) == 9


async def test_a_step_whose_worker_died_mid_step_does_not_repeat_what_it_began(
    live_app: object, engine: AsyncEngine, redis: ArqRedis, live_settings: Settings
) -> None:
    maker = create_sessionmaker(engine)
    [tenant_id] = await _enrolled(maker, live_settings, tenants=1, leads=1)
    async with unit_of_work(maker, None) as session:
        taken = await work.claim_fairest(session, steps.STEPS)
        assert taken is not None
        step, _ = taken
        step.started_at = utcnow()
        step_id = step.id
    # The worker reserved the note's key, then died before recording the step.
    async with unit_of_work(maker, None) as session:
        key = f"step:{step_id}:0"
        assert await tasks_reserve(session, tenant_id, key)
        await session.execute(
            update(SequenceStep)
            .where(SequenceStep.id == step_id)
            .values(heartbeat_at=utcnow() - timedelta(hours=1))
        )
    async with unit_of_work(maker, redis) as session:
        assert await work.sweep(session, live_settings, [steps.STEPS]) == 1
    ctx = {"sessionmaker": maker, "redis": redis, "settings": live_settings}
    assert await tasks.claim_due_steps(ctx) == 1
    await run_burst(live_settings, cron_jobs=[])
    async with maker() as session:
        row = await session.get(SequenceStep, step_id)
        assert row is not None
        assert (row.status, row.attempts) == (StepStatus.done, 2)
        assert row.results[0]["outcome"] == "skipped"
        assert row.results[0]["detail"] == "already attempted under this key"
        assert await session.scalar(select(func.count()).select_from(AutomationAction)) == 1


async def tasks_reserve(session: AsyncSession, tenant_id: uuid.UUID, key: str) -> bool:
    from agentplatform.automation.actions import reserve_in

    return await reserve_in(session, tenant_id, 1, key, "add_note")
