from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from agentplatform.core.db import utcnow
from agentplatform.core.settings import Settings
from agentplatform.tenancy.models import AuthSession
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import PASSWORD, create_owner, login


async def test_login_sets_http_only_cookie_and_lists_tenants(
    client: AsyncClient, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    response = await client.post(
        "/api/v1/auth/login", json={"email": owner.user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert "ap_session=" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    body = response.json()
    assert body["user"]["email"] == owner.user.email
    assert body["tenants"] == [
        {
            "id": str(owner.tenant.id),
            "name": owner.tenant.name,
            "slug": owner.tenant.slug,
            "role": "owner",
        }
    ]
    tenants = await client.get("/api/v1/tenants")
    assert tenants.status_code == 200
    assert [t["id"] for t in tenants.json()] == [str(owner.tenant.id)]
    # Only a hash of the cookie's token is stored.
    token = client.cookies["ap_session"]
    stored = (await db.scalars(select(AuthSession.token_hash))).all()
    assert token not in stored
    assert len(stored) == 1


async def test_wrong_password_and_unknown_email_look_the_same(
    client: AsyncClient, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": owner.user.email, "password": "nope-nope"}
    )
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "ghost@example.com", "password": "nope-nope"}
    )
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:agentplatform:problem:invalid-credentials"
    assert "set-cookie" not in wrong.headers


async def test_logout_revokes_the_session(client: AsyncClient, db: AsyncSession) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    token = client.cookies["ap_session"]
    assert (await client.post("/api/v1/auth/logout")).status_code == 204
    client.cookies.set("ap_session", token)
    response = await client.get("/api/v1/auth/me")
    assert response.status_code == 401


async def test_unauthenticated_is_401_problem(client: AsyncClient) -> None:
    response = await client.get("/api/v1/tenants")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "WWW-Authenticate" in response.headers


async def test_expired_session_is_refused(client: AsyncClient, db: AsyncSession) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    await db.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    await db.commit()
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_cross_site_writes_with_the_cookie_are_refused(
    client: AsyncClient, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    url = f"/api/v1/tenants/{owner.tenant.id}"
    evil = await client.patch(
        url, json={"name": "Pwned"}, headers={"Origin": "https://evil.example"}
    )
    assert evil.status_code == 403
    assert evil.json()["type"] == "urn:agentplatform:problem:csrf-rejected"
    cross = await client.patch(
        url, json={"name": "Pwned"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403
    same = await client.patch(
        url,
        json={"name": "Renamed"},
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    )
    assert same.status_code == 200
    assert same.json()["name"] == "Renamed"
    # Reads are not state-changing and stay allowed.
    assert (await client.get(url, headers={"Sec-Fetch-Site": "cross-site"})).status_code == 200


async def test_trusted_origin_may_write(
    client: AsyncClient, db: AsyncSession, app: FastAPI, settings: Settings
) -> None:
    app.state.settings = settings.model_copy(update={"trusted_origins": ["https://app.example"]})
    owner = await create_owner(db)
    await login(client, owner.user.email)
    response = await client.patch(
        f"/api/v1/tenants/{owner.tenant.id}",
        json={"name": "From the SPA"},
        headers={"Origin": "https://app.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 200


async def test_login_is_rate_limited(
    client: AsyncClient, db: AsyncSession, app: FastAPI, settings: Settings
) -> None:
    app.state.settings = settings.model_copy(update={"rate_limit_login": "3/minute"})
    owner = await create_owner(db)
    statuses = []
    for _ in range(4):
        response = await client.post(
            "/api/v1/auth/login", json={"email": owner.user.email, "password": "wrong-password"}
        )
        statuses.append(response.status_code)
    assert statuses == [401, 401, 401, 429]
    assert int(response.headers["Retry-After"]) >= 1
    assert response.json()["type"] == "urn:agentplatform:problem:rate-limited"


async def test_each_client_has_its_own_session(
    client_factory: Callable[[], AsyncClient], db: AsyncSession
) -> None:
    first, second = await create_owner(db), await create_owner(db)
    a, b = client_factory(), client_factory()
    await login(a, first.user.email)
    await login(b, second.user.email)
    assert (await a.get("/api/v1/auth/me")).json()["user"]["id"] == str(first.user.id)
    assert (await b.get("/api/v1/auth/me")).json()["user"]["id"] == str(second.user.id)
