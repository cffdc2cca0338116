"""The automation routes: rules and sequences with revisions, validation naming the field,
enrolments, runs with filters, the simulator (which stores nothing), and tenant isolation."""

from __future__ import annotations

import uuid
from typing import Any

from agentplatform.automation.engine import handle_event
from agentplatform.automation.models import (
    AutomationAction,
    RuleRun,
    SequenceEnrolment,
    SequenceStep,
)
from agentplatform.core.settings import Settings
from agentplatform.tenancy.models import Tenant, User
from arq import ArqRedis
from httpx import AsyncClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.automation.conftest import WEEKDAYS_9_TO_6, event, workspace
from tests.factories import create_owner, login

RULE: dict[str, Any] = {
    "name": "Qualified: send the price list",
    "trigger": {"kind": "stage_changed"},
    "conditions": [{"kind": "pipeline_stage", "pipeline_ids": [10], "status_ids": [142]}],
    "actions": [{"kind": "add_note", "text": "Price list sent to {{lead.name}}"}],
}
SEQUENCE: dict[str, Any] = {
    "name": "Price list follow-up",
    "steps": [
        {
            "name": "price list",
            "wait": {"kind": "duration", "minutes": 0},
            "actions": [{"kind": "send_message", "text": "Hi {{lead.name}}, our prices"}],
        },
        {
            "name": "follow up",
            "wait": {"kind": "duration", "days": 2},
            "actions": [{"kind": "send_message", "text": "Any questions, {{lead.name}}?"}],
        },
    ],
    "exit_on": [{"kind": "replied"}, {"kind": "stage_changed"}],
    "working_hours": WEEKDAYS_9_TO_6,
}


async def _signed_in(client: AsyncClient, db: AsyncSession) -> tuple[str, uuid.UUID]:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    return f"/api/v1/tenants/{owner.tenant.id}/automation", owner.tenant.id


async def test_rules_are_versioned_switched_and_restored(
    client: AsyncClient, db: AsyncSession
) -> None:
    base, _ = await _signed_in(client, db)
    created = await client.post(f"{base}/rules", json=RULE)
    assert created.status_code == 201, created.text
    rule = created.json()
    assert (rule["version"], rule["enabled"], rule["priority"]) == (1, True, 100)
    changed = await client.patch(f"{base}/rules/{rule['id']}", json={"priority": 5})
    assert changed.json()["version"] == 2
    disabled = await client.post(f"{base}/rules/{rule['id']}/disable")
    assert (disabled.json()["enabled"], disabled.json()["version"]) == (False, 3)
    assert (await client.patch(f"{base}/rules/{rule['id']}", json={"priority": 5})).json()[
        "version"
    ] == 3  # nothing changed: no revision
    revisions = (await client.get(f"{base}/rules/{rule['id']}/revisions")).json()
    assert [r["version"] for r in revisions["items"]] == [3, 2, 1]
    assert revisions["items"][0]["changed_fields"] == ["enabled"]
    first = (await client.get(f"{base}/rules/{rule['id']}/revisions/1")).json()
    assert first["snapshot"]["priority"] == 100
    restored = await client.post(f"{base}/rules/{rule['id']}/revisions/1/restore")
    assert restored.json()["version"] == 4
    assert (restored.json()["priority"], restored.json()["enabled"]) == (100, True)
    listed = (await client.get(f"{base}/rules", params={"trigger": "stage_changed"})).json()
    assert listed["total"] == 1
    assert (await client.get(f"{base}/rules", params={"enabled": "false"})).json()["total"] == 0
    assert (await client.delete(f"{base}/rules/{rule['id']}")).status_code == 204
    assert (await client.get(f"{base}/rules/{rule['id']}")).status_code == 404


async def test_invalid_rules_are_problems_naming_the_field(
    client: AsyncClient, db: AsyncSession
) -> None:
    base, _ = await _signed_in(client, db)
    missing = str(uuid.uuid4())
    body = RULE | {
        "actions": [RULE["actions"][0], {"kind": "start_sequence", "sequence_id": missing}]
    }
    response = await client.post(f"{base}/rules", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("body.actions.1.sequence_id", "unknown_sequence")

    for bad, where in (
        ({"trigger": {"kind": "sometimes"}}, "body.trigger"),
        ({"trigger": {"kind": "schedule", "cron": "61 * * * *"}}, "body.trigger.cron"),
        ({"trigger": {"kind": "schedule"}}, "body.trigger"),
        ({"actions": [{"kind": "move_stage"}]}, "body.actions.0.status_id"),
        ({"actions": []}, "body.actions"),
        ({"conditions": [{"kind": "time_of_day", "start": "9", "end": "10:00"}]},
         "body.conditions.0.start"),
    ):  # fmt: skip
        response = await client.post(f"{base}/rules", json=RULE | bad)
        assert response.status_code == 422, bad
        assert where in [e["field"] for e in response.json()["errors"]], response.json()

    sequence = (await client.post(f"{base}/sequences", json=SEQUENCE)).json()
    steps = [SEQUENCE["steps"][0], {**SEQUENCE["steps"][1], "actions": body["actions"]}]
    response = await client.patch(f"{base}/sequences/{sequence['id']}", json={"steps": steps})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.steps.1.actions.1.sequence_id"


async def test_a_webhook_secret_is_never_shown_and_survives_edits(
    client: AsyncClient, db: AsyncSession
) -> None:
    base, _ = await _signed_in(client, db)
    hook = {"kind": "outgoing_webhook", "url": "https://hooks.example.com/x", "secret": "hush"}
    rule = (await client.post(f"{base}/rules", json=RULE | {"actions": [hook]})).json()
    assert rule["actions"] == [
        {"kind": "outgoing_webhook", "url": "https://hooks.example.com/x", "secret_set": True}
    ]
    again = {"kind": "outgoing_webhook", "url": "https://hooks.example.com/x"}
    edited = await client.patch(f"{base}/rules/{rule['id']}", json={"actions": [again]})
    assert edited.json()["actions"][0]["secret_set"] is True
    revision = (await client.get(f"{base}/rules/{rule['id']}/revisions/1")).json()
    assert "hush" not in str(revision)


async def test_sequences_enrolments_and_runs_through_the_api(
    client: AsyncClient, db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    base, tenant_id = await _signed_in(client, db)
    sequence = (await client.post(f"{base}/sequences", json=SEQUENCE)).json()
    assert sequence["version"] == 1
    enrolled = await client.post(
        f"{base}/sequences/{sequence['id']}/enrolments", json={"lead_id": 9, "lead_name": "Ana"}
    )
    assert enrolled.status_code == 201, enrolled.text
    enrolment = enrolled.json()
    assert enrolment["status"] == "active"
    assert enrolment["next_step"]["status"] == "scheduled"
    again = await client.post(f"{base}/sequences/{sequence['id']}/enrolments", json={"lead_id": 9})
    assert again.status_code == 409
    paused = await client.post(f"{base}/enrolments/{enrolment['id']}/pause")
    assert (paused.json()["status"], paused.json()["next_step"]["status"]) == ("paused", "paused")
    resumed = await client.post(f"{base}/enrolments/{enrolment['id']}/resume")
    assert resumed.json()["next_step"]["status"] == "scheduled"
    held = await client.post(f"{base}/sequences/{sequence['id']}/pause")
    assert held.json()["paused"] is True
    listed = (await client.get(f"{base}/enrolments", params={"lead_id": 9})).json()
    assert listed["items"][0]["next_step"]["status"] == "paused"
    await client.post(f"{base}/sequences/{sequence['id']}/resume")
    stopped = await client.post(f"{base}/enrolments/{enrolment['id']}/stop")
    assert (stopped.json()["status"], stopped.json()["next_step"]["status"]) == (
        "stopped",
        "cancelled",
    )
    assert (await client.post(f"{base}/enrolments/{enrolment['id']}/pause")).status_code == 409
    assert (await client.get(f"{base}/enrolments", params={"status": "active"})).json()[
        "total"
    ] == 0
    edited = await client.patch(f"{base}/sequences/{sequence['id']}", json={"name": "Prices"})
    assert edited.json()["version"] == 2
    revisions = (await client.get(f"{base}/sequences/{sequence['id']}/revisions")).json()
    assert [r["version"] for r in revisions["items"]] == [2, 1]

    rule = (await client.post(f"{base}/rules", json=RULE)).json()
    for status_id in (142, 143):
        await handle_event(
            db, settings, redis,
            event(tenant_id, "stage_changed", pipeline_id=10, status_id=status_id, lead_id=9),
        )  # fmt: skip
    await db.commit()
    runs = (await client.get(f"{base}/runs", params={"rule_id": rule["id"]})).json()
    assert [r["outcome"] for r in runs["items"]] == ["not_matched", "matched"]
    matched = (await client.get(f"{base}/runs", params={"outcome": "matched"})).json()
    assert matched["total"] == 1
    assert matched["items"][0]["conditions"][0]["passed"] is True
    assert (await client.get(f"{base}/runs", params={"lead_id": 8})).json()["total"] == 0


async def _stored(db: AsyncSession, tenant_id: uuid.UUID) -> dict[str, int]:
    out = {}
    for model in (RuleRun, SequenceEnrolment, SequenceStep, AutomationAction):
        count = await db.scalar(
            select(func.count()).select_from(model).where(model.tenant_id == tenant_id)
        )
        out[model.__tablename__] = int(count or 0)
    return out


async def test_the_simulator_shows_what_would_happen_and_stores_nothing(
    client: AsyncClient, db: AsyncSession, redis: ArqRedis
) -> None:
    base, tenant_id = await _signed_in(client, db)
    await db.execute(
        update(Tenant).where(Tenant.id == tenant_id).values(timezone="America/Sao_Paulo")
    )
    sequence = (await client.post(f"{base}/sequences", json=SEQUENCE)).json()
    rule = RULE | {
        "actions": [*RULE["actions"], {"kind": "start_sequence", "sequence_id": sequence["id"]}]
    }
    made = (await client.post(f"{base}/rules", json=rule)).json()
    other = RULE | {"name": "Lost", "conditions": [{"kind": "pipeline_stage", "status_ids": [143]}]}
    await client.post(f"{base}/rules", json=other)
    before = await _stored(db, tenant_id)
    queued = len(await redis.queued_jobs())

    response = await client.post(
        f"{base}/simulate",
        json={
            "event": {
                "kind": "stage_changed",
                "lead_id": 77,
                "lead_name": "Rosa",
                "pipeline_id": 10,
                "status_id": 142,
                "occurred_at": "2026-11-27T20:30:00Z",  # Friday 17:30 in São Paulo
            }
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    [matched, lost] = body["rules"]
    assert (matched["rule_id"], matched["outcome"]) == (made["id"], "matched")
    assert matched["conditions"][0]["passed"] is True
    note, start = matched["actions"]
    assert (note["outcome"], note["request"]["text"]) == ("dry_run", "Price list sent to Rosa")
    assert start["outcome"] == "dry_run"
    [plan] = matched["sequences"]
    assert plan["already_enrolled"] is False
    assert [s["due_at"] for s in plan["timeline"]] == [
        "2026-11-27T20:30:00Z",  # at once: Friday 17:30 is within the hours
        "2026-11-30T12:00:00Z",  # two days later is Sunday 17:30: Monday 09:00
    ]
    assert plan["timeline"][0]["actions"][0]["text"] == "Hi Rosa, our prices"
    assert (lost["outcome"], lost["conditions"][0]["passed"]) == ("not_matched", False)
    assert body["exits"] == []
    assert await _stored(db, tenant_id) == before
    assert len(await redis.queued_jobs()) == queued


async def test_another_workspaces_ids_are_not_found(
    client: AsyncClient, db: AsyncSession, settings: Settings
) -> None:
    other = await workspace(db)
    base, _ = await _signed_in(client, db)
    theirs = f"/api/v1/tenants/{other}/automation"
    assert (await client.get(f"{theirs}/rules")).status_code == 404
    own = (await client.post(f"{base}/sequences", json=SEQUENCE)).json()
    owner_b = await create_owner(db)
    await login(client, (await _email(db, owner_b.user.id)))
    b_base = f"/api/v1/tenants/{owner_b.tenant.id}/automation"
    for method, path in (
        ("GET", f"/sequences/{own['id']}"),
        ("PATCH", f"/sequences/{own['id']}"),
        ("POST", f"/sequences/{own['id']}/pause"),
        ("POST", f"/sequences/{own['id']}/enrolments"),
        ("GET", f"/sequences/{own['id']}/revisions"),
    ):
        body = {"lead_id": 1} if path.endswith("enrolments") else ({} if method != "GET" else None)
        response = await client.request(method, f"{b_base}{path}", json=body)
        assert response.status_code == 404, (method, path, response.text)


async def _email(db: AsyncSession, user_id: uuid.UUID) -> str:
    user = await db.get(User, user_id)
    assert user is not None
    return user.email
