"""Each action kind, as a rule runs it for an event."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import get_args

from agentplatform.agents.schemas import AgentConfig
from agentplatform.agents.service import create_agent
from agentplatform.automation.engine import handle_event
from agentplatform.automation.models import (
    AutomationAction,
    AutomationRule,
    EnrolmentStatus,
    SequenceEnrolment,
    SequenceStep,
    StepStatus,
)
from agentplatform.chat.crm import ActionKind
from agentplatform.chat.models import Channel, Conversation, ConversationStatus
from agentplatform.core.jobs import pending_jobs
from agentplatform.core.settings import Settings
from arq import ArqRedis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.automation.conftest import event, rule, sequence, workspace
from tests.kommo.support import Receiver


async def test_crm_actions_go_through_the_crm_interface(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    tenant_id = await workspace(db)
    actions = [
        {"kind": "move_stage", "status_id": 142, "pipeline_id": 7},
        {"kind": "add_note", "text": "Asked about {{fields.product}}"},
        {"kind": "create_task", "text": "Call {{lead.name}}", "due_in_hours": 4},
        {"kind": "update_field", "field_id": "source", "value": "rule {{event.kind}}"},
        {"kind": "add_tags", "tags": ["hot"]},
        {"kind": "remove_tags", "tags": ["cold"]},
    ]
    await rule(db, settings, tenant_id, "lead_added", actions)
    [run] = await handle_event(
        db,
        settings,
        redis,
        event(tenant_id, "lead_added", lead_id=77, lead_name="Rosa", fields={"product": "X1"}),
    )
    by_kind = {a["kind"]: a for a in run.actions}
    # No CRM is connected: recorded with exactly what would be asked, nothing sent.
    assert by_kind["move_stage"]["outcome"] == "not_connected"
    assert by_kind["move_stage"]["request"] == {
        "action": "move_stage",
        "lead_id": "77",
        "stage": "142",
        "pipeline_id": 7,
    }
    assert by_kind["add_note"]["request"]["text"] == "Asked about X1"
    assert by_kind["create_task"]["request"] | {} == {
        "action": "create_task",
        "lead_id": "77",
        "text": "Call Rosa",
        "due_in_hours": 4,
    }
    assert by_kind["update_field"]["request"]["value"] == "rule lead_added"
    for kind in ("add_tags", "remove_tags"):
        if kind in get_args(ActionKind):  # the Kommo gateway's work adds them to the interface
            assert by_kind[kind]["outcome"] == "not_connected"
        else:
            assert by_kind[kind] == {
                "kind": kind,
                "outcome": "failed",
                "detail": "not supported by the CRM connection",
                "key": by_kind[kind]["key"],
            }
    keys = {a["key"] for a in run.actions}
    assert keys == {f"rule:{run.id}:{i}" for i in range(6)}
    stored = await db.scalars(select(AutomationAction).where(AutomationAction.key.in_(keys)))
    assert {a.kind: a.effect for a in stored}["move_stage"] == {
        "trigger": "stage_changed",
        "status_id": 142,
    }


async def test_sequence_actions_enrol_and_stop_the_lead(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    tenant_id = await workspace(db)
    follow_up = await sequence(
        db,
        settings,
        tenant_id,
        [
            {
                "wait": {"kind": "duration", "hours": 1},
                "actions": [{"kind": "add_note", "text": "x"}],
            }
        ],
    )
    start = [{"kind": "start_sequence", "sequence_id": str(follow_up.id)}]
    await rule(db, settings, tenant_id, "lead_added", start)
    [run] = await handle_event(db, settings, redis, event(tenant_id, "lead_added", lead_name="Ana"))
    assert run.actions[0]["outcome"] == "done"
    enrolment = await db.scalar(select(SequenceEnrolment))
    assert enrolment is not None
    assert (enrolment.lead_id, enrolment.status) == (501, EnrolmentStatus.active)
    assert enrolment.context["lead"] == {"id": 501, "name": "Ana"}
    assert enrolment.enrolled_by.startswith("rule:")
    [again] = await handle_event(db, settings, redis, event(tenant_id, "lead_added"))
    assert again.actions[0]["detail"] == "the lead is already in this sequence"

    stop = [{"kind": "stop_sequence"}]
    await rule(db, settings, tenant_id, "tag_added", stop)
    [run] = await handle_event(db, settings, redis, event(tenant_id, "tag_added", added_tags=["x"]))
    assert run.actions[0]["detail"] == "1 enrolment(s) stopped"
    await db.refresh(enrolment)
    assert enrolment.status is EnrolmentStatus.stopped
    step = await db.scalar(select(SequenceStep))
    assert step is not None
    assert step.status is StepStatus.cancelled


async def test_hand_off_passes_the_leads_conversation_to_a_person(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    tenant_id = await workspace(db)
    agent = await create_agent(db, tenant_id, AgentConfig(name="Ana"), "test")
    conversation = Conversation(
        tenant_id=tenant_id,
        agent_id=agent.id,
        channel=Channel.kommo,
        external_lead_id="501",
        external_talk_id="t1",
    )
    db.add(conversation)
    await db.flush()
    await rule(db, settings, tenant_id, "incoming_message", [{"kind": "hand_off"}])
    [run] = await handle_event(db, settings, redis, event(tenant_id, "incoming_message"))
    assert run.actions[0]["outcome"] == "done"
    await db.refresh(conversation)
    assert conversation.status is ConversationStatus.handed_off
    assert conversation.handoff_reason == "Automation rule"
    [run] = await handle_event(db, settings, redis, event(tenant_id, "incoming_message", lead_id=8))
    assert (run.actions[0]["outcome"], run.actions[0]["detail"]) == (
        "skipped",
        "the lead has no conversation",
    )


async def test_notify_agent_answers_and_messages_are_events_for_other_domains(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    tenant_id = await workspace(db)
    actions = [
        {"kind": "notify", "text": "New lead {{lead.name}}", "channel": "#sales"},
        {"kind": "agent_answers", "instructions": "Offer a call"},
        {"kind": "send_message", "text": "Hi {{lead.name}}!"},
    ]
    await rule(db, settings, tenant_id, "lead_added", actions)
    [run] = await handle_event(db, settings, redis, event(tenant_id, "lead_added", lead_name="Bo"))
    assert [a["outcome"] for a in run.actions] == ["done", "done", "done"]
    sent = [(job.args[0], job.args[1]) for job in pending_jobs(db)]
    assert [name for name, _ in sent] == [
        "automation.notify",
        "automation.agent_answers",
        "automation.send_message",
    ]
    notify = sent[0][1]
    assert notify["text"] == "New lead Bo"
    assert notify["channel"] == "#sales"
    assert notify["lead_id"] == "501"
    assert notify["key"] == f"rule:{run.id}:0"
    assert sent[2][1]["text"] == "Hi Bo!"


async def test_outgoing_webhook_posts_signed_json_and_records_the_answer(
    db: AsyncSession, automation_settings: Settings, redis: ArqRedis, receiver: Receiver
) -> None:
    tenant_id = await workspace(db)
    hook = {"kind": "outgoing_webhook", "url": f"{receiver.url}/hooks/crm", "secret": "s3cret!"}
    made = await rule(db, automation_settings, tenant_id, "lead_added", [hook, hook])
    stored = await db.scalar(select(AutomationRule.actions).where(AutomationRule.id == made.id))
    assert stored is not None
    assert "secret" not in stored[0]
    assert "s3cret!" not in json.dumps(stored)  # encrypted at rest
    receiver.statuses = [204, 500]
    [run] = await handle_event(
        db, automation_settings, redis, event(tenant_id, "lead_added", source_event_id="e-1")
    )
    [ok, failed] = run.actions
    assert (ok["outcome"], ok["detail"], ok["request"]["status"]) == ("done", "HTTP 204", 204)
    assert (failed["outcome"], failed["detail"]) == ("failed", "HTTP 500")
    first = receiver.wait_for(2)[0]
    assert first.path == "/hooks/crm"
    expected = "sha256=" + hmac.new(b"s3cret!", first.body, hashlib.sha256).hexdigest()
    assert first.headers["x-signature"] == expected
    assert first.headers["idempotency-key"] == f"rule:{run.id}:0"
    body = json.loads(first.body)
    assert body["lead_id"] == 501
    assert body["event"]["source_event_id"] == "e-1"


async def test_a_webhook_to_a_private_address_is_refused_by_default(
    db: AsyncSession, settings: Settings, redis: ArqRedis, receiver: Receiver
) -> None:
    tenant_id = await workspace(db)
    await rule(
        db, settings, tenant_id, "lead_added", [{"kind": "outgoing_webhook", "url": receiver.url}]
    )
    [run] = await handle_event(db, settings, redis, event(tenant_id, "lead_added"))
    assert run.actions[0]["outcome"] == "failed"
    assert "private or local address" in run.actions[0]["detail"]
    assert receiver.received == []
