"""Connecting a workspace to Kommo through the API, against the simulator: the consent and its
callback (state forged, replayed, expired, another user's; referer hosts), the long-lived
token, status, disconnect, isolation, and Kommo's access-revoked hook."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from pathlib import Path

import httpx
import pytest
from agentplatform.core.settings import Settings
from agentplatform.kommo.connection.oauth import (
    HostRefused,
    account_base_url,
    sign_state,
)
from agentplatform.kommo.connection.service import box
from agentplatform.kommo.simulator import KommoSimulator
from agentplatform.tenancy.models import Role, Tenant
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.factories import add_member, create_owner, create_user, login, signed_in_workspace
from tests.kommo.connecting import (
    API,
    connect_oauth,
    consent,
    kommo_settings,
    query_of,
    stored_connection,
)

WEBHOOK_EVENTS = {"add_lead", "status_lead", "note_lead", "add_message", "add_talk", "add_unsorted"}


@pytest.fixture
async def live_settings(settings: Settings, tmp_path: Path, kommo: KommoSimulator) -> Settings:
    return kommo_settings(settings, tmp_path, kommo)


def _error_reason(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert "kommo=error" in location, location
    return query_of(location)["reason"]


async def test_connect_through_consent(
    live_client: httpx.AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    kommo: KommoSimulator,
) -> None:
    base, tenant_id = await signed_in_workspace(live_client, engine)
    response = await live_client.get(f"{base}/integrations/kommo/authorize")
    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith(f"{kommo.base_url}/oauth?")
    assert query_of(url)["client_id"] == kommo.oauth.client_id
    assert query_of(url)["mode"] == "popup"

    callback = await consent(kommo, live_client, base)
    done = await live_client.get(callback)
    assert done.status_code == 303
    assert done.headers["location"] == f"/manage/{tenant_id}/integrations?kommo=connected"

    status = await live_client.get(f"{base}/integrations/kommo/status")
    assert status.status_code == 200
    body = status.json()
    assert body["state"] == "connected"
    assert body["auth_kind"] == "oauth"
    assert body["account_id"] == kommo.state.account_id
    assert body["subdomain"] == kommo.state.subdomain
    assert body["base_url"] == kommo.base_url
    assert body["access_expires_at"] is not None
    assert body["webhooks_registered_at"] is not None
    assert body["webhook_url"].startswith(f"{API}/api/v1/hooks/kommo/kwh_")
    grant = kommo.oauth.grants[-1].current
    assert grant.access not in status.text
    assert grant.refresh not in status.text

    hook = kommo.state.webhooks[body["webhook_url"]]
    assert set(hook["settings"]) >= WEBHOOK_EVENTS

    row = await stored_connection(engine, tenant_id)
    assert row is not None
    assert row.connected_by is not None
    assert grant.access not in row.access_token_encrypted
    assert box(live_settings).decrypt(row.access_token_encrypted) == grant.access


async def test_forged_replayed_and_expired_states_are_refused(
    live_client: httpx.AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    kommo: KommoSimulator,
) -> None:
    base, tenant_id = await signed_in_workspace(live_client, engine)
    settings = live_settings
    callback = await consent(kommo, live_client, base)
    params = query_of(callback)

    user_id = uuid.UUID((await live_client.get("/api/v1/auth/me")).json()["user"]["id"])
    forged_key = settings.model_copy(update={"secret_key": SecretStr("x" * 40)})
    forged = sign_state(forged_key, tenant_id, user_id)
    for state in (forged, params["state"] + "x", "garbage", ""):
        refused = await live_client.get(callback.split("?")[0], params={**params, "state": state})
        assert _error_reason(refused) == "state_invalid"
        assert refused.headers["location"].startswith("/manage?")

    expired = sign_state(settings, tenant_id, user_id, now=time.time() - 601)
    refused = await live_client.get(callback.split("?")[0], params={**params, "state": expired})
    assert _error_reason(refused) == "state_expired"
    assert refused.headers["location"].startswith(f"/manage/{tenant_id}/integrations?")

    assert (await live_client.get(callback)).status_code == 303
    assert (await stored_connection(engine, tenant_id)) is not None
    replayed = await live_client.get(callback)
    assert _error_reason(replayed) == "state_used"


async def test_only_the_user_who_asked_completes_the_consent(
    live_app: object, live_client: httpx.AsyncClient, engine: AsyncEngine, kommo: KommoSimulator
) -> None:
    base, tenant_id = await signed_in_workspace(live_client, engine)
    callback = await consent(kommo, live_client, base)
    transport = httpx.ASGITransport(app=live_app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=API) as stranger:
        await signed_in_workspace(stranger, engine)
        assert _error_reason(await stranger.get(callback)) == "not_signed_in"
        stranger.cookies.clear()
        assert _error_reason(await stranger.get(callback)) == "not_signed_in"
    assert await stored_connection(engine, tenant_id) is None
    assert (await live_client.get(callback)).headers["location"].endswith("kommo=connected")


async def test_a_referer_off_the_allowed_hosts_is_refused(
    live_client: httpx.AsyncClient, engine: AsyncEngine, kommo: KommoSimulator
) -> None:
    base, tenant_id = await signed_in_workspace(live_client, engine)
    for referer in ("evil.example.com", "acme.kommo.com.evil.io", "kommo.com"):
        callback = await consent(kommo, live_client, base)
        params = query_of(callback)
        path = callback.split("?")[0]
        refused = await live_client.get(path, params={**params, "referer": referer})
        assert _error_reason(refused) == "account_host_refused"
    assert await stored_connection(engine, tenant_id) is None
    assert kommo.oauth.token_calls == 0


def test_account_hosts(settings: Settings) -> None:
    assert account_base_url(settings, "acme.kommo.com") == "https://acme.kommo.com"
    assert account_base_url(settings, "http://Acme.amoCRM.ru/x") == "https://acme.amocrm.ru"
    for bad in ("evilkommo.com", "kommo.com", "a.kommo.com:8443", "user@a.kommo.com", "127.0.0.1"):
        with pytest.raises(HostRefused):
            account_base_url(settings, bad)
    loopback = settings.model_copy(update={"kommo_allow_loopback": True})
    assert account_base_url(loopback, "127.0.0.1:8081") == "http://127.0.0.1:8081"


async def test_connect_with_a_long_lived_token(
    live_client: httpx.AsyncClient, engine: AsyncEngine, kommo: KommoSimulator
) -> None:
    base, _ = await signed_in_workspace(live_client, engine)
    url = f"{base}/integrations/kommo/token"
    wrong = await live_client.post(url, json={"account_url": kommo.base_url, "token": "x" * 40})
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["body.token"]
    off = await live_client.post(
        url, json={"account_url": "https://acme.example.com", "token": kommo.token}
    )
    assert off.status_code == 422
    assert [e["field"] for e in off.json()["errors"]] == ["body.account_url"]

    response = await live_client.post(
        url, json={"account_url": kommo.base_url, "token": kommo.token}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["state"] == "connected"
    assert body["auth_kind"] == "long_lived"
    assert body["account_id"] == kommo.state.account_id
    assert kommo.token not in response.text
    assert body["webhook_url"] in kommo.state.webhooks
    # Connecting queues the first sync of every kind; no delivery has come yet.
    assert {run["kind"]: run["status"] for run in body["syncs"]} == {
        "pipelines": "queued",
        "custom_fields": "queued",
        "users": "queued",
        "sources": "queued",
    }
    assert body["deliveries_24h"] == {"received": 0, "failed": 0}


async def test_a_member_sees_the_status_but_not_the_webhook_secret(
    live_app: object, live_client: httpx.AsyncClient, engine: AsyncEngine, kommo: KommoSimulator
) -> None:
    base, tenant_id = await signed_in_workspace(live_client, engine)
    connected = await live_client.post(
        f"{base}/integrations/kommo/token",
        json={"account_url": kommo.base_url, "token": kommo.token},
    )
    assert connected.status_code == 200, connected.text
    async with AsyncSession(engine, expire_on_commit=False) as session:
        user = await create_user(session)
        tenant = await session.get(Tenant, tenant_id)
        assert tenant is not None
        await add_member(session, tenant, user, Role.member)
        await session.commit()
    transport = httpx.ASGITransport(app=live_app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=API) as member:
        await login(member, user.email)
        status = await member.get(f"{base}/integrations/kommo/status")
        assert status.status_code == 200, status.text
        assert status.json()["state"] == "connected"
        assert status.json()["webhook_url"] is None
        refused = await member.delete(f"{base}/integrations/kommo")
        assert refused.status_code == 403


async def test_disconnect_removes_our_webhooks_and_the_tokens(
    live_client: httpx.AsyncClient, engine: AsyncEngine, kommo: KommoSimulator
) -> None:
    base, tenant_id = await signed_in_workspace(live_client, engine)
    await connect_oauth(kommo, live_client, base)
    foreign = "https://other.example.com/hook"
    kommo.state.webhooks[foreign] = {
        "id": 1, "destination": foreign, "settings": ["add_lead"], "disabled": False,
    }  # fmt: skip
    ours = (await live_client.get(f"{base}/integrations/kommo/status")).json()["webhook_url"]
    assert ours in kommo.state.webhooks

    response = await live_client.delete(f"{base}/integrations/kommo")
    assert response.status_code == 200, response.text
    assert response.json() == {"webhooks_removed": 1, "webhook_error": None}
    assert set(kommo.state.webhooks) == {foreign}
    assert await stored_connection(engine, tenant_id) is None
    status = (await live_client.get(f"{base}/integrations/kommo/status")).json()
    assert status["state"] == "not_connected"
    assert (await live_client.delete(f"{base}/integrations/kommo")).status_code == 404


async def test_another_workspace_sees_nothing(
    live_app: object, live_client: httpx.AsyncClient, engine: AsyncEngine, kommo: KommoSimulator
) -> None:
    base, _ = await signed_in_workspace(live_client, engine)
    await connect_oauth(kommo, live_client, base)
    transport = httpx.ASGITransport(app=live_app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=API) as other:
        other_base, _ = await signed_in_workspace(other, engine)
        own = await other.get(f"{other_base}/integrations/kommo/status")
        assert own.json()["state"] == "not_connected"
        for method, path in (
            ("GET", "/status"),
            ("GET", "/authorize"),
            ("DELETE", ""),
        ):
            answer = await other.request(method, f"{base}/integrations/kommo{path}")
            assert answer.status_code == 404, (method, path)


async def test_the_access_revoked_hook(
    live_client: httpx.AsyncClient, engine: AsyncEngine, kommo: KommoSimulator
) -> None:
    base, tenant_id = await signed_in_workspace(live_client, engine)
    await connect_oauth(kommo, live_client, base)
    client_id, account_id = kommo.oauth.client_id, str(kommo.state.account_id)
    signature = hmac.new(
        kommo.oauth.client_secret.encode(), f"{client_id}|{account_id}".encode(), hashlib.sha256
    ).hexdigest()
    hook = "/api/v1/integrations/kommo/revoked"
    for bad in (
        {"client_uuid": client_id, "account_id": account_id, "signature": "0" * 64},
        {"client_uuid": client_id, "account_id": "1", "signature": signature},
        {"client_uuid": "other", "account_id": account_id, "signature": signature},
    ):
        refused = await live_client.get(hook, params=bad)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
    assert (await live_client.get(f"{base}/integrations/kommo/status")).json()["state"] == (
        "connected"
    )

    params = {"client_uuid": client_id, "account_id": account_id, "signature": signature}
    assert (await live_client.get(hook, params=params)).status_code == 204
    status = (await live_client.get(f"{base}/integrations/kommo/status")).json()
    assert status["state"] == "reconnect_required"
    assert "disabled in Kommo" in status["last_error"]
    row = await stored_connection(engine, tenant_id)
    assert row is not None
    assert row.refresh_token_encrypted is None

    await connect_oauth(kommo, live_client, base)  # a new consent connects again, in place
    again = (await live_client.get(f"{base}/integrations/kommo/status")).json()
    assert again["state"] == "connected"
    assert again["last_error"] is None
    assert again["webhook_url"] == status["webhook_url"]


async def test_a_declined_consent_is_reported(
    live_client: httpx.AsyncClient, engine: AsyncEngine, kommo: KommoSimulator
) -> None:
    base, tenant_id = await signed_in_workspace(live_client, engine)
    kommo.oauth.consent = "deny"
    callback = await consent(kommo, live_client, base)
    refused = await live_client.get(callback)
    assert _error_reason(refused) == "access_denied"
    assert refused.headers["location"].startswith(f"/manage/{tenant_id}/integrations?")
    assert await stored_connection(engine, tenant_id) is None


async def test_authorize_needs_the_integration_configured(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    response = await client.get(f"/api/v1/tenants/{owner.tenant.id}/integrations/kommo/authorize")
    assert response.status_code == 409
    assert response.json()["type"].endswith("kommo-oauth-not-configured")
    assert "long-lived token" in response.json()["detail"]
