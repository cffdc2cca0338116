from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_owner, login

PROBLEM = "application/problem+json"


async def _signed_in(client: AsyncClient, db: AsyncSession) -> str:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    return f"/api/v1/tenants/{owner.tenant.id}"


async def test_malformed_json_is_400(client: AsyncClient, db: AsyncSession) -> None:
    base = await _signed_in(client, db)
    response = await client.patch(
        base, content=b'{"name": "x",', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "urn:agentplatform:problem:malformed-body"


async def test_wrong_types_name_the_field(client: AsyncClient, db: AsyncSession) -> None:
    base = await _signed_in(client, db)
    response = await client.patch(base, json={"name": 42, "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422
    assert {e["field"] for e in body["errors"]} == {"body.name", "body.timezone"}
    assert response.headers["x-request-id"] == body["request_id"]


async def test_unknown_fields_are_refused(client: AsyncClient, db: AsyncSession) -> None:
    base = await _signed_in(client, db)
    response = await client.patch(base, json={"name": "ok", "colour": "red"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.colour"


async def test_failed_update_leaves_stored_data_untouched(
    client: AsyncClient, db: AsyncSession
) -> None:
    base = await _signed_in(client, db)
    before = (await client.get(base)).json()
    other = await create_owner(db)
    taken = await client.patch(base, json={"name": "New name", "slug": other.tenant.slug})
    assert taken.status_code == 409
    assert taken.json()["errors"][0]["field"] == "body.slug"
    assert (await client.get(base)).json() == before


async def test_oversized_bodies_are_413(client: AsyncClient, db: AsyncSession) -> None:
    base = await _signed_in(client, db)
    big = b'{"name": "' + b"x" * 70_000 + b'"}'
    declared = await client.patch(base, content=big, headers={"Content-Type": "application/json"})
    assert declared.status_code == 413
    assert declared.headers["content-type"] == PROBLEM

    async def chunks():  # no Content-Length: the limit is counted while reading
        for _ in range(10):
            yield b"x" * 10_000

    streamed = await client.patch(
        base, content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413


async def test_unknown_route_and_wrong_method(client: AsyncClient) -> None:
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    wrong = await client.put("/api/v1/auth/login", json={})
    assert wrong.status_code == 405
    assert wrong.headers["content-type"] == PROBLEM


async def test_invalid_query_parameters(client: AsyncClient, db: AsyncSession) -> None:
    base = await _signed_in(client, db)
    response = await client.get(f"{base}/members", params={"limit": 0})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.limit"
    bad_id = await client.get("/api/v1/tenants/not-a-uuid")
    assert bad_id.status_code == 422
    assert bad_id.json()["errors"][0]["field"] == "path.tenant_id"


async def test_caller_request_id_is_echoed(client: AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    invalid = await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert invalid.headers["x-request-id"] != "bad id with spaces"
