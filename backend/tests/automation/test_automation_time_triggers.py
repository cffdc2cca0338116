"""Triggers that are moments: a schedule, and a client silent for a while after our message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agentplatform.agents.schemas import AgentConfig
from agentplatform.agents.service import create_agent
from agentplatform.automation import cron, time_triggers
from agentplatform.automation.models import RuleRun, RunOutcome
from agentplatform.chat.models import Channel, Conversation, Message, MessageRole
from agentplatform.core.db import utcnow
from agentplatform.core.settings import Settings
from arq import ArqRedis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.automation.conftest import rule, workspace


def test_cron_expressions_name_minutes_in_local_time() -> None:
    monday_9 = datetime(2026, 11, 30, 9, 0)
    assert cron.matches("0 9 * * 1-5", monday_9)
    assert not cron.matches("0 9 * * 0,6", monday_9)
    assert cron.matches("*/15 8-10 * 11 *", monday_9.replace(minute=45))
    assert not cron.matches("*/15 8-10 * 11 *", monday_9.replace(minute=50))
    assert cron.matches("0 9 30 * 7", monday_9) is False  # the day and the weekday both apply


async def test_a_schedule_fires_its_rule_once_a_slot(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    tenant_id = await workspace(db, "America/Sao_Paulo")
    every = await rule(db, settings, tenant_id, {"kind": "schedule", "every_minutes": 1})
    # 12:00 UTC is 09:00 in São Paulo.
    at_nine = await rule(db, settings, tenant_id, {"kind": "schedule", "cron": "0 9 * * *"})
    now = datetime(2026, 11, 30, 12, 0, 20, tzinfo=UTC)
    assert await time_triggers.fire(db, settings, redis, now) == 2
    assert await time_triggers.fire(db, settings, redis, now + timedelta(seconds=30)) == 2
    runs = list(await db.scalars(select(RuleRun).where(RuleRun.tenant_id == tenant_id)))
    assert sorted(r.rule_id for r in runs) == sorted([every.id, at_nine.id])  # once each
    later = now + timedelta(minutes=1)
    await time_triggers.fire(db, settings, redis, later)
    runs = list(await db.scalars(select(RuleRun).where(RuleRun.tenant_id == tenant_id)))
    assert [r.rule_id for r in runs].count(at_nine.id) == 1
    assert [r.rule_id for r in runs].count(every.id) == 2


async def test_no_reply_for_fires_once_the_client_is_silent_that_long(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    tenant_id = await workspace(db)
    silence = await rule(
        db,
        settings,
        tenant_id,
        {"kind": "no_reply_for", "minutes": 60},
        [{"kind": "add_note", "text": "No answer yet"}],
    )
    agent = await create_agent(db, tenant_id, AgentConfig(name="Ana"), "test")
    last = utcnow() - timedelta(minutes=61)
    for lead, role in (("31", MessageRole.assistant), ("32", MessageRole.user)):
        conversation = Conversation(
            tenant_id=tenant_id,
            agent_id=agent.id,
            channel=Channel.kommo,
            external_lead_id=lead,
            external_talk_id=f"t{lead}",
            last_message_at=last,
        )
        db.add(conversation)
        await db.flush()
        db.add(
            Message(
                tenant_id=tenant_id,
                conversation_id=conversation.id,
                role=role,
                content="Here is the offer" if role is MessageRole.assistant else "Thanks",
                created_at=last,
            )
        )
    await db.flush()
    assert await time_triggers.fire(db, settings, redis, utcnow()) == 1  # lead 32 wrote last
    assert await time_triggers.fire(db, settings, redis, utcnow()) == 1  # fired, not re-run
    [run] = list(await db.scalars(select(RuleRun).where(RuleRun.rule_id == silence.id)))
    assert (run.lead_id, run.outcome, run.event["silent_minutes"]) == (
        31,
        RunOutcome.matched,
        60,
    )
