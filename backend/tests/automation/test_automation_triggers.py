"""Each trigger kind, rule order, stop_processing, re-delivered events, loop safety and caps."""

from __future__ import annotations

from typing import Any

import pytest
from agentplatform.automation import rules_service
from agentplatform.automation.engine import handle_event
from agentplatform.automation.models import AutomationAction, RunOutcome
from agentplatform.automation.schemas import RuleUpdate, TriggerKind
from agentplatform.core.settings import Settings
from arq import ArqRedis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.automation.conftest import event, rule, workspace

TRIGGERS: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    # (trigger, an event that fires it, an event of the same kind that does not)
    ({"kind": "lead_added"}, {}, {"kind": "stage_changed"}),
    ({"kind": "stage_changed"}, {"status_id": 7, "old_status_id": 6}, {"kind": "lead_added"}),
    ({"kind": "incoming_message"}, {"text": "Hi"}, {"kind": "lead_added"}),
    (
        {"kind": "field_changed", "field_ids": ["budget"]},
        {"field_changes": [{"field_id": "budget", "old": "1", "new": "2"}]},
        {"field_changes": [{"field_id": "city", "new": "Lima"}]},
    ),
    (
        {"kind": "tag_added", "tags": ["vip"]},
        {"added_tags": ["VIP"]},
        {"added_tags": ["cold"]},
    ),
    (
        {"kind": "responsible_changed"},
        {"responsible_user_id": 3, "old_responsible_user_id": 2},
        {"kind": "incoming_message"},
    ),
    ({"kind": "no_reply_for", "minutes": 60}, {"silent_minutes": 60}, {"silent_minutes": 30}),
]


@pytest.mark.parametrize(("trigger", "fires", "other"), TRIGGERS)
async def test_each_trigger_runs_its_rules_and_only_on_its_events(
    db: AsyncSession,
    settings: Settings,
    redis: ArqRedis,
    trigger: dict[str, Any],
    fires: dict[str, Any],
    other: dict[str, Any],
) -> None:
    tenant_id = await workspace(db)
    made = await rule(db, settings, tenant_id, trigger)
    [run] = await handle_event(db, settings, redis, event(tenant_id, trigger["kind"], **fires))
    assert (run.rule_id, run.rule_version, run.outcome) == (made.id, 1, RunOutcome.matched)
    assert run.event["kind"] == trigger["kind"]
    [note] = run.actions
    assert (note["kind"], note["outcome"]) == ("add_note", "not_connected")
    assert note["request"]["text"] == "Hello "  # no lead name in the event
    kind = other.pop("kind", trigger["kind"])
    assert await handle_event(db, settings, redis, event(tenant_id, kind, **other)) == []


async def test_a_schedule_event_runs_only_the_rule_it_is_for(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    tenant_id = await workspace(db)
    mine = await rule(db, settings, tenant_id, {"kind": "schedule", "every_minutes": 60})
    await rule(db, settings, tenant_id, {"kind": "schedule", "cron": "0 9 * * 1-5"})
    runs = await handle_event(
        db, settings, redis, event(tenant_id, "schedule", lead_id=None, rule_id=mine.id)
    )
    assert [r.rule_id for r in runs] == [mine.id]
    assert runs[0].actions[0]["outcome"] == "skipped"  # a note needs a lead
    assert runs[0].actions[0]["detail"] == "the event has no lead"


async def test_rules_run_by_priority_and_stop_processing_ends_the_list(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    tenant_id = await workspace(db)
    late = await rule(db, settings, tenant_id, "lead_added", name="late", priority=50)
    first = await rule(db, settings, tenant_id, "lead_added", name="first", priority=1)
    runs = await handle_event(db, settings, redis, event(tenant_id, "lead_added"))
    assert [r.rule_id for r in runs] == [first.id, late.id]

    stopper = await rule(
        db, settings, tenant_id, "lead_added", name="stopper", priority=0, stop_processing=True
    )
    runs = await handle_event(db, settings, redis, event(tenant_id, "lead_added", lead_id=9))
    assert [r.rule_id for r in runs] == [stopper.id]

    blocked = [{"kind": "has_tag", "tag": "never"}]
    await rule(db, settings, tenant_id, "lead_added", name="x", priority=0, conditions=blocked)
    moved = await rules_service.update_rule(
        db, settings, tenant_id, stopper.id, RuleUpdate(priority=2), "test"
    )
    assert moved.version == 2
    runs = await handle_event(db, settings, redis, event(tenant_id, "lead_added", lead_id=10))
    # x (0) does not match, first (1) runs, stopper (2) runs and stops: late (50) does not.
    assert [r.outcome for r in runs] == [
        RunOutcome.not_matched,
        RunOutcome.matched,
        RunOutcome.matched,
    ]
    assert [r.rule_id for r in runs][1:] == [first.id, stopper.id]
    assert runs[2].rule_version == 2
    assert runs[0].conditions == [
        {"kind": "has_tag", "passed": False, "detail": "the lead lacks the tag 'never'"}
    ]


async def test_a_redelivered_event_runs_each_rule_once(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    tenant_id = await workspace(db)
    await rule(db, settings, tenant_id, "lead_added")
    first = event(tenant_id, "lead_added", source_event_id="hook-1")
    assert len(await handle_event(db, settings, redis, first)) == 1
    assert await handle_event(db, settings, redis, first) == []


async def test_a_rule_whose_action_would_trigger_itself_runs_once(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    tenant_id = await workspace(db)
    mover = await rule(
        db, settings, tenant_id, "stage_changed", [{"kind": "move_stage", "status_id": 777}]
    )
    watcher = await rule(db, settings, tenant_id, "stage_changed", name="watcher", priority=200)
    [moved, watched] = await handle_event(
        db, settings, redis, event(tenant_id, "stage_changed", status_id=100)
    )
    assert (moved.rule_id, moved.outcome) == (mover.id, RunOutcome.matched)
    assert moved.actions[0]["request"]["stage"] == "777"
    # Kommo reports the move the rule made: the rule does not run on it, other rules do.
    echo = event(tenant_id, "stage_changed", status_id=777, old_status_id=100)
    [skipped, watched] = await handle_event(db, settings, redis, echo)
    assert (skipped.rule_id, skipped.outcome) == (mover.id, RunOutcome.skipped)
    assert skipped.actions == []
    assert "own action" in skipped.detail
    assert (watched.rule_id, watched.outcome) == (watcher.id, RunOutcome.matched)
    # Another lead, or another stage, is a new event for the rule.
    again = await handle_event(
        db, settings, redis, event(tenant_id, "stage_changed", status_id=777, lead_id=99)
    )
    assert again[0].outcome is RunOutcome.matched


async def test_tags_and_fields_a_rule_set_do_not_trigger_it_again(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    tenant_id = await workspace(db)
    tagger = await rule(
        db, settings, tenant_id, "tag_added", [{"kind": "add_tags", "tags": ["hot"]}]
    )
    setter = await rule(
        db,
        settings,
        tenant_id,
        "field_changed",
        [{"kind": "update_field", "field_id": "score", "value": "10"}],
    )
    await handle_event(db, settings, redis, event(tenant_id, "tag_added", added_tags=["new"]))
    [run] = await handle_event(
        db, settings, redis, event(tenant_id, "tag_added", added_tags=["hot"])
    )
    assert (run.rule_id, run.outcome) == (tagger.id, RunOutcome.skipped)
    changes = [{"field_id": "budget", "new": "5"}]
    await handle_event(
        db, settings, redis, event(tenant_id, "field_changed", field_changes=changes)
    )
    echo = [{"field_id": "score", "new": "10"}]
    [run] = await handle_event(
        db, settings, redis, event(tenant_id, "field_changed", field_changes=echo)
    )
    assert (run.rule_id, run.outcome) == (setter.id, RunOutcome.skipped)


async def test_caps_hold_back_actions_per_lead_and_per_workspace(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    capped = settings.model_copy(
        update={"automation_actions_per_lead_hour": 2, "automation_actions_per_tenant_hour": 3}
    )
    tenant_id = await workspace(db)
    notes = [{"kind": "add_note", "text": f"note {i}"} for i in range(3)]
    await rule(db, capped, tenant_id, "lead_added", notes)
    [run] = await handle_event(db, capped, redis, event(tenant_id, "lead_added", lead_id=1))
    assert [a["outcome"] for a in run.actions] == ["not_connected", "not_connected", "held_back"]
    assert run.actions[2]["detail"] == "held back: cap reached (2 per lead an hour)"
    [run] = await handle_event(db, capped, redis, event(tenant_id, "lead_added", lead_id=2))
    assert [a["outcome"] for a in run.actions] == ["not_connected", "held_back", "held_back"]
    assert run.actions[1]["detail"] == "held back: cap reached (3 per workspace an hour)"
    taken = await db.scalar(
        select(func.count())
        .select_from(AutomationAction)
        .where(AutomationAction.tenant_id == tenant_id)
    )
    assert taken == 3


async def test_events_of_another_workspace_run_none_of_its_rules(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    mine, theirs = await workspace(db), await workspace(db)
    await rule(db, settings, mine, "lead_added")
    assert await handle_event(db, settings, redis, event(theirs, TriggerKind.lead_added)) == []
