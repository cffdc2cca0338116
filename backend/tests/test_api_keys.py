from __future__ import annotations

from datetime import timedelta

from agentplatform.core.db import utcnow
from agentplatform.tenancy.models import Role
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import add_member, create_owner, create_user, login


async def _new_key(
    client: AsyncClient, tenant_id: object, scopes: list[str], **extra: object
) -> dict:
    response = await client.post(
        f"/api/v1/tenants/{tenant_id}/api-keys",
        json={"name": "CRM sync", "scopes": scopes, **extra},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_key_is_shown_once_and_stored_hashed(client: AsyncClient, db: AsyncSession) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    created = await _new_key(client, owner.tenant.id, ["workspace:read"])
    key = created["key"]
    assert key.startswith("ap_")
    assert created["prefix"] == key[:10]
    listed = (await client.get(f"/api/v1/tenants/{owner.tenant.id}/api-keys")).json()
    assert listed["total"] == 1
    assert "key" not in listed["items"][0]
    raw = (await db.execute(text("SELECT key_hash, prefix FROM api_key"))).one()
    assert key not in raw.key_hash
    assert len(raw.key_hash) == 64


async def test_key_works_as_bearer_on_its_tenant_only(
    client: AsyncClient, client_factory: object, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    other = await create_owner(db)
    await login(client, owner.user.email)
    key = (await _new_key(client, owner.tenant.id, ["workspace:read", "members:read"]))["key"]
    integrator = client_factory()  # type: ignore[operator]
    headers = {"Authorization": f"Bearer {key}"}
    response = await integrator.get(f"/api/v1/tenants/{owner.tenant.id}", headers=headers)
    assert response.status_code == 200
    assert response.json()["id"] == str(owner.tenant.id)
    assert (
        await integrator.get(f"/api/v1/tenants/{other.tenant.id}", headers=headers)
    ).status_code == 404
    me = (await integrator.get("/api/v1/auth/me", headers=headers)).json()
    assert me["user"] is None
    assert [t["id"] for t in me["tenants"]] == [str(owner.tenant.id)]
    listed = (await client.get(f"/api/v1/tenants/{owner.tenant.id}/api-keys")).json()
    assert listed["items"][0]["last_used_at"] is not None


async def test_scope_limits_routes(
    client: AsyncClient, client_factory: object, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    key = (await _new_key(client, owner.tenant.id, ["members:read"]))["key"]
    integrator = client_factory()  # type: ignore[operator]
    headers = {"Authorization": f"Bearer {key}"}
    base = f"/api/v1/tenants/{owner.tenant.id}"
    assert (await integrator.get(f"{base}/members", headers=headers)).status_code == 200
    denied = await integrator.get(base, headers=headers)
    assert denied.status_code == 403
    assert "workspace:read" in denied.json()["detail"]
    invite = await integrator.post(
        f"{base}/invitations", json={"email": "x@example.com"}, headers=headers
    )
    assert invite.status_code == 403
    # A key never mints keys, whatever it holds.
    mint = await integrator.post(
        f"{base}/api-keys", json={"name": "k", "scopes": ["members:read"]}, headers=headers
    )
    assert mint.status_code == 403


async def test_revoked_and_expired_keys_are_refused(
    client: AsyncClient, client_factory: object, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    created = await _new_key(client, owner.tenant.id, ["workspace:read"])
    base = f"/api/v1/tenants/{owner.tenant.id}"
    revoke = await client.delete(f"{base}/api-keys/{created['id']}")
    assert revoke.status_code == 204
    integrator = client_factory()  # type: ignore[operator]
    refused = await integrator.get(base, headers={"Authorization": f"Bearer {created['key']}"})
    assert refused.status_code == 401
    assert refused.json()["detail"] == "The API key is invalid, expired or revoked"

    soon = (utcnow() + timedelta(seconds=30)).isoformat()
    expiring = await _new_key(client, owner.tenant.id, ["workspace:read"], expires_at=soon)
    await db.execute(
        text("UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = :id"),
        {"id": expiring["id"]},
    )
    await db.commit()
    expired = await integrator.get(base, headers={"Authorization": f"Bearer {expiring['key']}"})
    assert expired.status_code == 401


async def test_malformed_authorization_is_401(client: AsyncClient, db: AsyncSession) -> None:
    owner = await create_owner(db)
    base = f"/api/v1/tenants/{owner.tenant.id}"
    for header in ("Basic abc", "Bearer", "Bearer not-a-key", "Bearer ap_unknown"):
        assert (await client.get(base, headers={"Authorization": header})).status_code == 401


async def test_keys_cannot_hold_admin_scopes_and_members_cannot_create_keys(
    client: AsyncClient, client_factory: object, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    base = f"/api/v1/tenants/{owner.tenant.id}/api-keys"
    refused = await client.post(base, json={"name": "k", "scopes": ["api_keys:write"]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.scopes"
    unknown = await client.post(base, json={"name": "k", "scopes": ["root"]})
    assert unknown.status_code == 422
    past = await client.post(
        base, json={"name": "k", "scopes": ["workspace:read"], "expires_at": "2001-01-01T00:00:00Z"}
    )
    assert past.status_code == 422

    member = await create_user(db)
    member_email = member.email
    await add_member(db, owner.tenant, member, Role.member)
    await db.commit()
    member_client = client_factory()  # type: ignore[operator]
    await login(member_client, member_email)
    assert (await member_client.get(base)).status_code == 200
    denied = await member_client.post(base, json={"name": "k", "scopes": ["workspace:read"]})
    assert denied.status_code == 403


async def test_the_scopes_a_key_may_hold_are_listed_with_what_they_allow(
    client: AsyncClient, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    base = f"/api/v1/tenants/{owner.tenant.id}/api-keys"
    listed = (await client.get(f"{base}/scopes")).json()
    by_name = {scope["name"]: scope for scope in listed}
    assert {"chat:write", "conversations:read", "knowledge:write", "agents:read"} <= set(by_name)
    assert all(scope["description"] for scope in listed)
    assert by_name["members:write"]["grantable"] is False
    assert by_name["api_keys:write"]["grantable"] is False
    # Every scope listed as grantable is one a key can really be given.
    grantable = [name for name, scope in by_name.items() if scope["grantable"]]
    created = await client.post(base, json={"name": "All", "scopes": grantable})
    assert created.status_code == 201, created.text
    assert sorted(created.json()["scopes"]) == sorted(grantable)


async def test_key_rate_limit_holds_on_cached_grants_and_after_a_script_flush(
    app: object, client: AsyncClient, client_factory: object, db: AsyncSession, redis: object
) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    key = (await _new_key(client, owner.tenant.id, ["workspace:read"]))["key"]
    state = app.state  # type: ignore[attr-defined]
    integrator = client_factory()  # type: ignore[operator]
    headers = {"Authorization": f"Bearer {key}"}
    url = f"/api/v1/tenants/{owner.tenant.id}"
    plain_hits: list[str] = []
    hit = state.rate_limiter.hit

    async def counted_hit(rule: str, *identifiers: str) -> None:
        plain_hits.append(rule)
        await hit(rule, *identifiers)

    state.rate_limiter.hit = counted_hit

    async def statuses(rule: str, n: int) -> list[int]:
        state.settings = state.settings.model_copy(update={"rate_limit_api_key": rule})
        await redis.flushdb()  # type: ignore[attr-defined]  # counters and scripts
        await redis.script_flush()  # type: ignore[attr-defined]
        return [(await integrator.get(url, headers=headers)).status_code for _ in range(n)]

    # The first request loads the grant and counts its hit the plain way (which loads the
    # script); the next ones count theirs in the round trip that reads the grant's epochs.
    assert await statuses("3/minute", 5) == [200, 200, 200, 429, 429]
    assert plain_hits == ["3/minute"]
    # Scripts gone (a Redis restart): the queued hit fails, and is counted the plain way.
    await redis.script_flush()  # type: ignore[attr-defined]
    over = await integrator.get(url, headers=headers)
    assert over.status_code == 429
    assert over.headers["retry-after"]
    assert plain_hits == ["3/minute", "3/minute"]
    assert state.grant_cache.hits >= 4
    # Several limits in one rule: each counted in turn, as before.
    plain_hits.clear()
    assert await statuses("100/minute;2/hour", 3) == [200, 200, 429]
    assert len(plain_hits) == 3
