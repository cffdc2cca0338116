"""The agent's actions in Kommo against the simulator: each one changes the lead as asked, by
names resolved in the account (an unknown one fails saying what exists); a dry run sends nothing;
an idempotency key is sent once; Kommo's errors are failed outcomes; the lead's facts read as
short lines."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from agentplatform.chat.crm import ActionResult, CrmAction, CrmEnv, gateway_for, lead_facts
from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.kommo.actions.gateway import GATEWAY
from agentplatform.kommo.actions.models import ActionOutcome, KommoAction
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.connection.models import AuthKind, ConnectionStatus
from agentplatform.kommo.connection.service import save_connection
from agentplatform.kommo.simulator import KommoSimulator
from arq import ArqRedis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.factories import create_owner


async def connect(
    db: AsyncSession, settings: Settings, kommo: KommoSimulator, client: KommoClient
) -> uuid.UUID:
    owner = await create_owner(db)
    await save_connection(
        db,
        settings,
        owner.tenant.id,
        base_url=kommo.base_url,
        account=await client.account(),
        auth_kind=AuthKind.long_lived,
        access_token=kommo.token,
    )
    return owner.tenant.id


def first_lead(kommo: KommoSimulator) -> dict[str, Any]:
    return kommo.state.entities["leads"][min(kommo.state.entities["leads"])]


def stage_id(kommo: KommoSimulator, name: str) -> int:
    pipeline = kommo.state.main_pipeline()
    return int(next(s["id"] for s in pipeline["_embedded"]["statuses"] if s["name"] == name))


def field_id(kommo: KommoSimulator, name: str) -> int:
    return int(
        next(f["id"] for f in kommo.state.custom_fields["leads"].values() if f["name"] == name)
    )


def writes(kommo: KommoSimulator) -> int:
    return sum(kommo.count("/api/", method=m) for m in ("POST", "PATCH", "DELETE"))


@pytest.fixture
async def tenant(
    db: AsyncSession, settings: Settings, kommo: KommoSimulator, kommo_client: KommoClient
) -> uuid.UUID:
    return await connect(db, settings, kommo, kommo_client)


@pytest.fixture
def env(settings: Settings, redis: ArqRedis) -> CrmEnv:
    return CrmEnv(settings, redis)


async def run(
    db: AsyncSession,
    tenant: uuid.UUID,
    env: CrmEnv,
    kind: str,
    lead_id: int | str,
    *,
    dry_run: bool = False,
    key: str | None = None,
    **arguments: Any,
) -> ActionResult:
    action = CrmAction(kind, arguments, str(lead_id), key)  # type: ignore[arg-type]
    return await GATEWAY.run(db, tenant, action, dry_run=dry_run, env=env)


async def test_the_gateway_serves_a_connected_workspace_only(
    db: AsyncSession, tenant: uuid.UUID
) -> None:
    assert await gateway_for(db, tenant) is GATEWAY
    other = await create_owner(db)
    assert await gateway_for(db, other.tenant.id) is None
    connection = await GATEWAY.connected(db, tenant)
    assert connection is True
    row = (await db.scalars(select(KommoAction))).all()
    assert row == []


async def test_move_stage_by_name_or_id_and_an_unknown_stage_fails_clearly(
    db: AsyncSession, tenant: uuid.UUID, env: CrmEnv, kommo: KommoSimulator
) -> None:
    lead = first_lead(kommo)
    proposal = stage_id(kommo, "Proposal")

    moved = await run(db, tenant, env, "move_stage", lead["id"], stage=" proposal ")
    assert moved.outcome == "done", moved.detail
    assert moved.detail == 'The lead was moved to the stage "Proposal" of "Sales"'
    assert moved.request == {
        "method": "PATCH",
        "path": f"/api/v4/leads/{lead['id']}",
        "json": {"status_id": proposal, "pipeline_id": lead["pipeline_id"]},
    }
    assert first_lead(kommo)["status_id"] == proposal

    negotiation = stage_id(kommo, "Negotiation")
    by_id = await run(db, tenant, env, "move_stage", lead["id"], stage=str(negotiation))
    assert by_id.outcome == "done"
    assert first_lead(kommo)["status_id"] == negotiation

    before = writes(kommo)
    unknown = await run(db, tenant, env, "move_stage", lead["id"], stage="Won")
    assert unknown.outcome == "failed"
    assert unknown.detail.startswith('No stage "Won" in the pipeline "Sales"')
    assert '"Closed - won"' in unknown.detail
    assert "Incoming leads" not in unknown.detail  # no lead is moved into the incoming stage
    assert writes(kommo) == before
    assert first_lead(kommo)["status_id"] == negotiation


async def test_note_task_field_and_tags_change_the_lead(
    db: AsyncSession, tenant: uuid.UUID, env: CrmEnv, kommo: KommoSimulator
) -> None:
    lead = first_lead(kommo)
    note = await run(db, tenant, env, "add_note", lead["id"], text="Wants a demo on Friday")
    assert note.outcome == "done"
    (stored,) = [n for n in kommo.state.notes.values() if n["entity_id"] == lead["id"]]
    assert (stored["note_type"], stored["params"]) == ("common", {"text": "Wants a demo on Friday"})

    started = time.time()
    task = await run(db, tenant, env, "create_task", lead["id"], text="Call back", due_in_hours=2)
    assert task.outcome == "done"
    (created,) = kommo.state.tasks.values()
    assert (created["text"], created["entity_id"]) == ("Call back", lead["id"])
    assert created["responsible_user_id"] == lead["responsible_user_id"]
    assert abs(created["complete_till"] - (started + 7200)) < 60
    due = datetime.now(UTC) + timedelta(days=3)
    at = await run(
        db, tenant, env, "create_task", lead["id"], text="Send offer", due_at=due.isoformat()
    )
    assert at.outcome == "done"
    assert at.request["json"][0]["complete_till"] == int(due.timestamp())
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    late = await run(db, tenant, env, "create_task", lead["id"], text="Too late", due_at=past)
    assert (late.outcome, len(kommo.state.tasks)) == ("failed", 2)
    assert "in the past" in late.detail

    choice = await run(
        db, tenant, env, "update_field", lead["id"], field="interest", value="custom"
    )
    assert choice.outcome == "done", choice.detail
    budget = await run(db, tenant, env, "update_field", lead["id"], field="Budget", value="2 500")
    assert budget.outcome == "done", budget.detail
    values = {v["field_name"]: v["values"] for v in first_lead(kommo)["custom_fields_values"]}
    assert values["Interest"][0]["value"] == "Custom"
    assert values["Budget"] == [{"value": 2500}]
    assert budget.request["json"] == {
        "custom_fields_values": [
            {"field_id": field_id(kommo, "Budget"), "values": [{"value": 2500}]}
        ]
    }

    tags = await run(db, tenant, env, "add_tags", lead["id"], tags=["hot", "Website"])
    assert tags.outcome == "done"
    assert [t["name"] for t in first_lead(kommo)["_embedded"]["tags"]] == ["website", "hot"]
    again = await run(db, tenant, env, "add_tags", lead["id"], tags=["HOT"])
    assert (again.outcome, again.request) == ("done", {})  # nothing new: nothing sent


async def test_a_value_the_field_does_not_take_is_refused_with_the_choices(
    db: AsyncSession, tenant: uuid.UUID, env: CrmEnv, kommo: KommoSimulator
) -> None:
    lead = first_lead(kommo)
    before = writes(kommo)
    gold = await run(db, tenant, env, "update_field", lead["id"], field="Interest", value="Gold")
    assert gold.outcome == "failed"
    assert gold.detail == (
        '"Gold" is not a choice of the field "Interest"; its choices are "Basic", "Premium", '
        '"Custom"'
    )
    words = await run(db, tenant, env, "update_field", lead["id"], field="Budget", value="a lot")
    assert "takes a number" in words.detail
    day = await run(db, tenant, env, "update_field", lead["id"], field="Demo date", value="soon")
    assert "takes a date" in day.detail
    nope = await run(db, tenant, env, "update_field", lead["id"], field="Shoe size", value="42")
    assert nope.detail.startswith('No lead field "Shoe size"; the fields are "Channel"')
    assert {gold.outcome, words.outcome, day.outcome, nope.outcome} == {"failed"}
    assert writes(kommo) == before
    date = await run(
        db, tenant, env, "update_field", lead["id"], field="Demo date", value="2027-01-15"
    )
    assert date.request["json"]["custom_fields_values"][0]["values"] == [
        {"value": int(datetime(2027, 1, 15, tzinfo=UTC).timestamp())}
    ]


async def test_a_dry_run_reads_but_sends_nothing(
    db: AsyncSession, tenant: uuid.UUID, env: CrmEnv, kommo: KommoSimulator
) -> None:
    lead = first_lead(kommo)
    before = writes(kommo)
    results = [
        await run(db, tenant, env, "move_stage", lead["id"], dry_run=True, stage="Proposal"),
        await run(db, tenant, env, "add_note", lead["id"], dry_run=True, text="Hi"),
        await run(db, tenant, env, "create_task", lead["id"], dry_run=True, text="Call"),
        await run(
            db, tenant, env, "update_field", lead["id"], dry_run=True, field="Channel", value="Web"
        ),
        await run(db, tenant, env, "add_tags", lead["id"], dry_run=True, tags=["vip"]),
    ]
    assert [r.outcome for r in results] == ["dry_run"] * 5
    assert results[0].request == {
        "method": "PATCH",
        "path": f"/api/v4/leads/{lead['id']}",
        "json": {"status_id": stage_id(kommo, "Proposal"), "pipeline_id": lead["pipeline_id"]},
    }
    assert results[1].request == {
        "method": "POST",
        "path": "/api/v4/leads/notes",
        "json": [{"entity_id": lead["id"], "note_type": "common", "params": {"text": "Hi"}}],
    }
    assert writes(kommo) == before
    assert first_lead(kommo)["status_id"] == lead["status_id"]
    assert kommo.state.notes == {}
    assert kommo.state.tasks == {}
    assert await db.scalar(select(func.count()).select_from(KommoAction)) == 0


async def test_the_same_key_is_sent_once(
    db: AsyncSession, tenant: uuid.UUID, env: CrmEnv, kommo: KommoSimulator
) -> None:
    lead = first_lead(kommo)
    first = await run(db, tenant, env, "add_note", lead["id"], key="msg-1:call-1", text="Once")
    second = await run(db, tenant, env, "add_note", lead["id"], key="msg-1:call-1", text="Once")
    assert (first.outcome, second.outcome) == ("done", "done")
    assert second.detail.startswith("Already done")
    assert second.request == first.request
    assert kommo.count("/api/v4/leads/notes", method="POST") == 1
    assert len(kommo.state.notes) == 1
    other = await run(db, tenant, env, "add_note", lead["id"], key="msg-1:call-2", text="Once")
    assert other.outcome == "done"
    assert len(kommo.state.notes) == 2
    row = await db.scalar(select(KommoAction).where(KommoAction.idempotency_key == "msg-1:call-1"))
    assert row is not None
    assert (row.tenant_id, row.lead_id, row.kind, row.outcome) == (
        tenant,
        lead["id"],
        "add_note",
        ActionOutcome.done,
    )
    assert row.request == first.request
    assert row.response["_embedded"]["notes"][0]["id"] in kommo.state.notes


async def test_kommo_errors_are_failed_outcomes_and_a_failed_key_may_run_again(
    db: AsyncSession, tenant: uuid.UUID, env: CrmEnv, kommo: KommoSimulator
) -> None:
    lead = first_lead(kommo)
    kommo.fail_next(1, 400, path="/api/v4/leads/notes")
    refused = await run(db, tenant, env, "add_note", lead["id"], key="k", text="Hello")
    assert refused.outcome == "failed"
    assert refused.detail.startswith("Kommo rejected the request")
    retried = await run(db, tenant, env, "add_note", lead["id"], key="k", text="Hello")
    assert retried.outcome == "done"
    assert len(kommo.state.notes) == 1

    missing = await run(db, tenant, env, "add_note", 999, text="Hello")
    assert (missing.outcome, missing.detail) == ("failed", "Lead 999 was not found in Kommo")

    kommo.block_ip()
    blocked = await run(db, tenant, env, "move_stage", lead["id"], stage="Proposal")
    assert blocked.outcome == "failed"
    assert "blocking requests" in blocked.detail
    kommo.unblock_ip()

    no_lead = await GATEWAY.run(
        db, tenant, CrmAction("add_note", {"text": "x"}, None), dry_run=False, env=env
    )
    assert (no_lead.outcome, no_lead.detail) == ("failed", "This conversation has no Kommo lead")


async def test_a_revoked_token_is_a_failed_outcome_asking_to_reconnect(
    db: AsyncSession, tenant: uuid.UUID, env: CrmEnv, kommo: KommoSimulator
) -> None:
    kommo.uninstall().result(timeout=10)  # the integration was disabled: the token is revoked
    revoked = await run(db, tenant, env, "add_note", first_lead(kommo)["id"], text="Hello")
    assert revoked.outcome == "failed"
    assert revoked.detail.endswith("reconnect Kommo")
    assert kommo.state.notes == {}


async def test_a_connection_to_reconnect_sends_nothing(
    db: AsyncSession, tenant: uuid.UUID, env: CrmEnv, kommo: KommoSimulator
) -> None:
    from agentplatform.kommo.connection.service import get_connection

    connection = await get_connection(db, tenant)
    connection.status = ConnectionStatus.reconnect_required
    await db.flush()
    assert await gateway_for(db, tenant) is None
    result = await run(db, tenant, env, "add_note", first_lead(kommo)["id"], text="x")
    assert result.outcome == "not_connected"
    assert writes(kommo) == 0


async def test_lead_facts_are_short_named_lines_and_names_are_cached(
    db: AsyncSession, tenant: uuid.UUID, env: CrmEnv, kommo: KommoSimulator
) -> None:
    lead = first_lead(kommo)
    lines = await lead_facts(db, tenant, str(lead["id"]), env=env)
    assert lines == [
        f"Lead: Enquiry from Jane (Kommo lead {lead['id']})",
        "Pipeline: Sales; stage: Qualification",
        "Price: 1000",
        "Responsible: Ada Admin",
        "Tags: website",
        "Interest: Premium",
        "Main contact: Jane Client",
    ]
    again = await lead_facts(db, tenant, str(lead["id"]), env=env)
    assert again == lines
    assert kommo.count("/api/v4/leads/pipelines") == 1  # the names came from Redis
    assert kommo.count("/api/v4/users") == 1
    assert await lead_facts(db, tenant, "999", env=env) == []
    assert await lead_facts(db, tenant, "not a number", env=env) == []


async def test_two_runs_of_one_key_at_once_send_once(
    live_client: object,  # its app empties the tables this test commits to
    engine: AsyncEngine,
    settings: Settings,
    redis: ArqRedis,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    maker = create_sessionmaker(engine)
    async with maker() as session:
        tenant = await connect(session, settings, kommo, kommo_client)
        await session.commit()
    lead = first_lead(kommo)
    env = CrmEnv(settings, redis)

    async def once() -> ActionResult:
        async with maker() as session, session.begin():
            return await run(session, tenant, env, "add_note", lead["id"], key="m:c", text="Hi")

    results = await asyncio.gather(once(), once())
    assert sorted(r.detail.startswith("Already done") for r in results) == [False, True]
    assert kommo.count("/api/v4/leads/notes", method="POST") == 1
    assert len(kommo.state.notes) == 1
