from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agentplatform.tenancy.models import Role
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import add_member, create_owner, create_user, login

AGENT = {
    "name": "Sales assistant",
    "description": "Answers pricing questions",
    "instructions": "You are Ana, a friendly sales assistant for Acme.",
    "greeting": "Hi! I am Ana from Acme.",
    "language": "en",
    "temperature": 0.2,
    "max_output_tokens": 400,
    "tools": ["knowledge_search", "move_stage", "handoff"],
    "kommo": {"pipeline_ids": [7001], "channels": ["whatsapp"]},
    "working_hours": {
        "timezone": "Europe/Madrid",
        "days": {"mon": [{"start": "09:00", "end": "18:00"}]},
        "outside_hours_message": "We open at 9.",
    },
}


async def _signed_in(client: AsyncClient, db: AsyncSession) -> str:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    return f"/api/v1/tenants/{owner.tenant.id}/agents"


async def _create(client: AsyncClient, base: str, **overrides: Any) -> dict[str, Any]:
    response = await client.post(base, json=AGENT | overrides)
    assert response.status_code == 201, response.text
    return response.json()


async def test_create_read_list_filter_and_delete(client: AsyncClient, db: AsyncSession) -> None:
    base = await _signed_in(client, db)
    created = await _create(client, base)
    assert created["status"] == "draft"
    assert created["version"] == 1
    assert created["knowledge"] == {"all": True, "document_ids": [], "collection_ids": []}
    assert created["working_hours"]["days"]["mon"] == [{"start": "09:00", "end": "18:00"}]
    await _create(client, base, name="Support bot", description="after-sales", status="active")
    await _create(client, base, name="Paused one", description="", status="paused")

    assert (await client.get(f"{base}/{created['id']}")).json() == created
    everything = (await client.get(base)).json()
    assert [a["name"] for a in everything["items"]] == [
        "Paused one",
        "Sales assistant",
        "Support bot",
    ]
    active = (await client.get(base, params={"status": "active"})).json()
    assert [a["name"] for a in active["items"]] == ["Support bot"]
    found = (await client.get(base, params={"q": "PRICING"})).json()
    assert [a["name"] for a in found["items"]] == ["Sales assistant"]
    literal = (await client.get(base, params={"q": "100%"})).json()
    assert literal["total"] == 0
    page = (await client.get(base, params={"limit": 2, "offset": 2})).json()
    assert page["total"] == 3
    assert len(page["items"]) == 1

    assert (await client.delete(f"{base}/{created['id']}")).status_code == 204
    assert (await client.get(f"{base}/{created['id']}")).status_code == 404


async def test_revisions_update_twice_and_restore_the_first(
    client: AsyncClient, db: AsyncSession
) -> None:
    base = await _signed_in(client, db)
    agent = await _create(client, base)
    url = f"{base}/{agent['id']}"
    first = (await client.patch(url, json={"instructions": "Be brief.", "temperature": 0.9})).json()
    assert first["version"] == 2
    second = (await client.patch(url, json={"name": "Renamed", "tools": []})).json()
    assert second["version"] == 3
    unchanged = (await client.patch(url, json={"name": "Renamed"})).json()
    assert unchanged["version"] == 3  # nothing changed, no revision

    revisions = (await client.get(f"{url}/revisions")).json()
    assert [r["version"] for r in revisions["items"]] == [3, 2, 1]
    assert sorted(revisions["items"][1]["changed_fields"]) == ["instructions", "temperature"]
    assert revisions["items"][0]["actor"].startswith("user:")
    detail = (await client.get(f"{url}/revisions/2")).json()
    assert detail["snapshot"]["instructions"] == "Be brief."

    restored = (await client.post(f"{url}/revisions/1/restore")).json()
    assert restored["version"] == 4
    keys = set(AGENT) | {"status", "provider_id", "model", "knowledge"}
    assert {k: restored[k] for k in keys} == {k: agent[k] for k in keys}
    latest = (await client.get(f"{url}/revisions")).json()["items"][0]
    assert latest["note"] == "restored version 1"
    assert (await client.get(f"{url}/revisions/99")).status_code == 404


async def test_duplicate_export_and_import(client: AsyncClient, db: AsyncSession) -> None:
    base = await _signed_in(client, db)
    agent = await _create(client, base, status="active")
    copy = (await client.post(f"{base}/{agent['id']}/duplicate")).json()
    assert copy["name"] == "Sales assistant (copy)"
    assert copy["status"] == "draft"
    assert copy["id"] != agent["id"]
    assert copy["instructions"] == agent["instructions"]

    exported = (await client.get(f"{base}/{agent['id']}/export")).json()
    assert exported["format"] == "agentplatform.agent"
    assert "id" not in exported["agent"]
    imported = await client.post(f"{base}/import", json=exported)
    assert imported.status_code == 201
    assert imported.json()["working_hours"] == agent["working_hours"]

    unknown = await client.post(f"{base}/import", json=exported | {"provider_name": "nope"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "body.provider_name"
    wrong_format = await client.post(f"{base}/import", json=exported | {"format": "other"})
    assert wrong_format.status_code == 422


async def test_invalid_agents_are_refused_with_the_field(
    client: AsyncClient, db: AsyncSession
) -> None:
    base = await _signed_in(client, db)
    cases = [
        ({"temperature": 3}, "body.temperature"),
        ({"tools": ["launch_rockets"]}, "body.tools.0"),
        ({"language": "English!"}, "body.language"),
        ({"working_hours": {"days": {"mon": [{"start": "18:00", "end": "09:00"}]}}}, None),
        ({"working_hours": {"days": {"funday": []}}}, None),
        ({"provider_id": "00000000-0000-0000-0000-000000000001"}, "body.provider_id"),
    ]
    for overrides, field in cases:
        response = await client.post(base, json=AGENT | overrides)
        assert response.status_code == 422, overrides
        if field:
            assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    agent = await _create(client, base)
    null_name = await client.patch(f"{base}/{agent['id']}", json={"name": None})
    assert null_name.status_code == 422
    assert null_name.json()["errors"][0]["field"] == "body.name"
    assert (await client.get(f"{base}/{agent['id']}")).json()["version"] == 1


async def test_members_read_agents_but_do_not_change_them(
    client_factory: Callable[[], AsyncClient], db: AsyncSession
) -> None:
    owner = await create_owner(db)
    member = await create_user(db)
    email = member.email
    await add_member(db, owner.tenant, member, Role.member)
    await db.commit()
    as_owner, as_member = client_factory(), client_factory()
    await login(as_owner, owner.user.email)
    await login(as_member, email)
    base = f"/api/v1/tenants/{owner.tenant.id}/agents"
    agent = await _create(as_owner, base)
    assert (await as_member.get(f"{base}/{agent['id']}")).status_code == 200
    assert (await as_member.patch(f"{base}/{agent['id']}", json={"name": "x"})).status_code == 403
    assert (await as_member.post(base, json=AGENT)).status_code == 403
