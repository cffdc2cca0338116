"""Sequences through the real worker: steps land in working hours over a weekend, a reply stops
them, pausing holds them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from agentplatform.agents.schemas import AgentConfig
from agentplatform.agents.service import create_agent
from agentplatform.automation import enrolments, sequences_service, tasks
from agentplatform.automation.engine import handle_event
from agentplatform.automation.models import (
    AutomationAction,
    EnrolmentStatus,
    SequenceEnrolment,
    SequenceStep,
    StepStatus,
)
from agentplatform.automation.schemas import EnrolmentCreate
from agentplatform.automation.timing import timeline
from agentplatform.chat.models import Channel, Conversation, Message, MessageRole
from agentplatform.core.db import create_sessionmaker, unit_of_work, utcnow
from agentplatform.core.settings import Settings
from agentplatform.kommo.answering.serving import open_at
from arq import ArqRedis
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.automation.conftest import WEEKDAYS_9_TO_6, event, sequence, workspace
from tests.worker_support import run_burst

ZONE = "America/Sao_Paulo"  # UTC-3
FRIDAY_1730 = datetime(2026, 11, 27, 20, 30, tzinfo=UTC)  # Friday 17:30 in São Paulo
STEPS: list[dict[str, Any]] = [
    {
        "name": "price list",
        "wait": {"kind": "duration", "minutes": 0},
        "actions": [{"kind": "send_message", "text": "Hi {{lead.name}}, here is our price list"}],
    },
    {
        "name": "nudge",
        "wait": {"kind": "duration", "hours": 1},
        "actions": [{"kind": "add_note", "text": "Nudged {{lead.name}}"}],
    },
    {
        "name": "morning call",
        "wait": {"kind": "until", "time": "10:00"},
        "actions": [{"kind": "create_task", "text": "Call {{lead.name}}"}],
    },
    {
        "name": "last try",
        "wait": {"kind": "duration", "days": 2},
        "actions": [{"kind": "send_message", "text": "Still interested, {{lead.name}}?"}],
    },
]


def _local(at: datetime) -> str:
    from zoneinfo import ZoneInfo

    return at.astimezone(ZoneInfo(ZONE)).strftime("%a %d %H:%M")


def test_a_timeline_over_a_weekend_lands_in_working_hours() -> None:
    dates = timeline(STEPS[1:], FRIDAY_1730, WEEKDAYS_9_TO_6, ZONE)
    # Fri 18:30 is after hours: Monday's opening; then Monday 10:00; then two days later.
    assert [_local(d) for d in dates] == ["Mon 30 09:00", "Mon 30 10:00", "Wed 02 10:00"]
    assert all(open_at(WEEKDAYS_9_TO_6, ZONE, d) for d in dates)
    assert timeline(STEPS[1:2], FRIDAY_1730, None, ZONE)[0] == datetime(
        2026, 11, 27, 21, 30, tzinfo=UTC
    )  # no working hours: any time


async def _setup(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    lead_ids: list[int],
    hours: dict[str, Any] | None = WEEKDAYS_9_TO_6,
) -> tuple[uuid.UUID, uuid.UUID]:
    async with maker() as session:
        tenant_id = await workspace(session, ZONE)
    async with unit_of_work(maker, None) as session:
        made = await sequence(session, settings, tenant_id, STEPS, working_hours=hours)
        for lead_id in lead_ids:
            await sequences_service.enrol_lead(
                session, tenant_id, made.id, EnrolmentCreate(lead_id=lead_id, lead_name="Rosa"),
                "test",
            )  # fmt: skip
        # The leads were enrolled on Friday at 17:30, São Paulo time.
        await session.execute(
            update(SequenceStep)
            .where(SequenceStep.sequence_id == made.id)
            .values(due_at=FRIDAY_1730, next_attempt_at=FRIDAY_1730)
        )
    return tenant_id, made.id


async def _work(
    maker: async_sessionmaker[AsyncSession], redis: ArqRedis, settings: Settings
) -> int:
    ctx = {"sessionmaker": maker, "redis": redis, "settings": settings}
    sent = await tasks.claim_due_steps(ctx)
    if sent:
        await run_burst(settings, cron_jobs=[])  # the claim passes are the test's own
    return sent


async def _steps(maker: async_sessionmaker[AsyncSession], lead_id: int) -> list[SequenceStep]:
    async with maker() as session:
        return list(
            await session.scalars(
                select(SequenceStep)
                .join(SequenceEnrolment, SequenceEnrolment.id == SequenceStep.enrolment_id)
                .where(SequenceEnrolment.lead_id == lead_id)
                .order_by(SequenceStep.step_index)
            )
        )


async def test_a_sequence_over_a_weekend_runs_every_step_in_working_hours(
    live_app: object, engine: AsyncEngine, redis: ArqRedis, live_settings: Settings
) -> None:
    maker = create_sessionmaker(engine)
    await _setup(maker, live_settings, [301])
    for _ in range(6):
        if not await _work(maker, redis, live_settings):
            break
    steps = await _steps(maker, 301)
    assert [s.status for s in steps] == [StepStatus.done] * 4
    assert [_local(s.due_at) for s in steps] == [
        "Fri 27 17:30",
        "Mon 30 09:00",
        "Mon 30 10:00",
        "Wed 02 10:00",
    ]
    assert all(open_at(WEEKDAYS_9_TO_6, ZONE, s.due_at) for s in steps)
    assert [s.attempts for s in steps] == [1, 1, 1, 1]
    first = steps[0].results[0]
    assert (first["kind"], first["outcome"]) == ("send_message", "done")
    assert first["request"]["text"] == "Hi Rosa, here is our price list"
    assert steps[2].results[0]["request"]["text"] == "Call Rosa"  # not_connected: no CRM
    async with maker() as session:
        enrolment = await session.scalar(select(SequenceEnrolment))
        assert enrolment is not None
        assert (enrolment.status, enrolment.current_step) == (EnrolmentStatus.completed, 3)


async def test_a_reply_stops_the_sequence(
    live_app: object, engine: AsyncEngine, redis: ArqRedis, live_settings: Settings
) -> None:
    maker = create_sessionmaker(engine)
    tenant_id, _ = await _setup(maker, live_settings, [401, 402])
    assert await _work(maker, redis, live_settings) == 2  # the first step of both leads
    # Lead 401 answers: Kommo's webhook becomes an event, and the follow-up ends.
    async with unit_of_work(maker, redis) as session:
        await handle_event(
            session, live_settings, redis, event(tenant_id, "incoming_message", lead_id=401)
        )
    # Lead 402's reply is stored in its conversation; the step checks before it acts.
    async with unit_of_work(maker, None) as session:
        agent = await create_agent(session, tenant_id, AgentConfig(name="Ana"), "test")
        conversation = Conversation(
            tenant_id=tenant_id,
            agent_id=agent.id,
            channel=Channel.kommo,
            external_lead_id="402",
            external_talk_id="t-402",
        )
        session.add(conversation)
        await session.flush()
        session.add(
            Message(
                tenant_id=tenant_id,
                conversation_id=conversation.id,
                role=MessageRole.user,
                content="Yes, send me the contract",
            )
        )
    for _ in range(3):
        await _work(maker, redis, live_settings)
    for lead_id in (401, 402):
        steps = await _steps(maker, lead_id)
        assert [s.status for s in steps] == [StepStatus.done, StepStatus.cancelled], lead_id
    async with maker() as session:
        ended = {
            e.lead_id: (e.status, e.exit_reason)
            for e in await session.scalars(select(SequenceEnrolment))
        }
        assert ended == {
            401: (EnrolmentStatus.exited, "the client replied"),
            402: (EnrolmentStatus.exited, "the client replied"),
        }
        taken = await session.scalar(select(func.count()).select_from(AutomationAction))
        assert taken == 2  # only the first step's message, one per lead


async def test_pausing_an_enrolment_or_the_sequence_holds_its_steps(
    live_app: object, engine: AsyncEngine, redis: ArqRedis, live_settings: Settings
) -> None:
    maker = create_sessionmaker(engine)
    # No working hours: a step whose time went by while paused is due at once on resuming.
    tenant_id, sequence_id = await _setup(maker, live_settings, [501, 502], None)
    async with unit_of_work(maker, None) as session:
        enrolment = await session.scalar(
            select(SequenceEnrolment).where(SequenceEnrolment.lead_id == 501)
        )
        assert enrolment is not None
        await enrolments.pause(session, tenant_id, enrolment.id)
    assert await _work(maker, redis, live_settings) == 1  # only lead 502's step
    async with unit_of_work(maker, None) as session:
        await sequences_service.set_paused(session, tenant_id, sequence_id, True)
    assert await _work(maker, redis, live_settings) == 0  # 502's next step is held too
    before = utcnow()
    async with unit_of_work(maker, None) as session:
        await sequences_service.set_paused(session, tenant_id, sequence_id, False)
        await enrolments.resume(session, tenant_id, enrolment.id)
    [held] = await _steps(maker, 501)
    assert held.status is StepStatus.scheduled
    assert held.due_at == FRIDAY_1730  # planned time kept; claimable from now
    assert held.next_attempt_at is not None
    assert held.next_attempt_at >= before
    assert await _work(maker, redis, live_settings) == 2
    [first, second] = await _steps(maker, 501)
    assert first.status is StepStatus.done
    assert second.status is StepStatus.scheduled
