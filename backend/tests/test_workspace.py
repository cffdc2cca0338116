from __future__ import annotations

from agentplatform.core.settings import Settings
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_owner, login


async def test_read_and_update_workspace_settings(client: AsyncClient, db: AsyncSession) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    base = f"/api/v1/tenants/{owner.tenant.id}"
    updated = await client.patch(
        base,
        json={
            "name": "Acme Sales",
            "timezone": "America/Sao_Paulo",
            "locale": "pt-BR",
            "slug": "acme",
        },
    )
    assert updated.status_code == 200
    assert (await client.get(base)).json() | {} == updated.json()
    assert updated.json()["slug"] == "acme"
    bad_locale = await client.patch(base, json={"locale": "Portuguese!"})
    assert bad_locale.status_code == 422


async def test_create_workspace_makes_the_caller_owner(
    client: AsyncClient, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    created = await client.post("/api/v1/tenants", json={"name": "Second Shop"})
    assert created.status_code == 201
    assert created.json()["slug"] == "second-shop"
    duplicate = await client.post("/api/v1/tenants", json={"name": "Second Shop"})
    assert duplicate.json()["slug"].startswith("second-shop-")
    tenants = (await client.get("/api/v1/tenants")).json()
    assert {t["role"] for t in tenants} == {"owner"}
    assert len(tenants) == 3


async def test_feature_flags_defaults_env_and_tenant_overrides(
    client: AsyncClient, db: AsyncSession, app: FastAPI, settings: Settings
) -> None:
    app.state.settings = settings.model_copy(
        update={"feature_flags": {"member_invitations": False}}
    )
    owner = await create_owner(db)
    await login(client, owner.user.email)
    base = f"/api/v1/tenants/{owner.tenant.id}/feature-flags"
    flags = (await client.get(base)).json()["flags"]
    assert flags["member_invitations"] == {
        "key": "member_invitations",
        "description": flags["member_invitations"]["description"],
        "enabled": False,
        "default": False,
        "overridden": False,
    }
    assert flags["api_keys"]["enabled"] is True

    off = (await client.put(f"{base}/api_keys", json={"enabled": False})).json()["flags"]
    assert off["api_keys"]["enabled"] is False
    assert off["api_keys"]["overridden"] is True
    again = (await client.put(f"{base}/api_keys", json={"enabled": False})).json()["flags"]
    assert again["api_keys"]["enabled"] is False
    reset = (await client.delete(f"{base}/api_keys")).json()["flags"]
    assert reset["api_keys"] == flags["api_keys"]
    assert (await client.put(f"{base}/no_such_flag", json={"enabled": True})).status_code == 404
    assert (await client.put(f"{base}/api_keys", json={"enabled": "maybe"})).status_code == 422

    other = await create_owner(db)
    await login(client, other.user.email)
    other_flags = (await client.get(f"/api/v1/tenants/{other.tenant.id}/feature-flags")).json()
    assert other_flags["flags"]["api_keys"]["overridden"] is False


async def test_switched_off_features_are_refused(client: AsyncClient, db: AsyncSession) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    base = f"/api/v1/tenants/{owner.tenant.id}"
    key = await client.post(f"{base}/api-keys", json={"name": "k", "scopes": ["workspace:read"]})
    assert key.status_code == 201
    for flag in ("api_keys", "member_invitations"):
        await client.put(f"{base}/feature-flags/{flag}", json={"enabled": False})
    refused = await client.post(
        f"{base}/api-keys", json={"name": "k", "scopes": ["workspace:read"]}
    )
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:agentplatform:problem:feature-disabled"
    invite = await client.post(f"{base}/invitations", json={"email": "x@example.com"})
    assert invite.status_code == 403
    # Keys made before the switch keep working until revoked.
    bearer = {"Authorization": f"Bearer {key.json()['key']}"}
    client.cookies.clear()
    assert (await client.get(base, headers=bearer)).status_code == 200
