"""The grant cache of the tenant choke point: changes to a grant hold for the very next request,
on this process and on another one whose cache was warm (two apps sharing Redis and database).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from agentplatform.core.epochs import EPOCH_PREFIX
from agentplatform.core.redis import create_redis
from agentplatform.core.settings import Settings
from agentplatform.tenancy.grants import GrantCache
from agentplatform.tenancy.models import ApiKey, Role
from arq import ArqRedis
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.conftest import build_test_app
from tests.factories import PASSWORD, add_member, create_owner, create_user, login


@dataclass
class Process:
    """One API process: its app (with its own grant cache) and a way to make clients on it."""

    app: FastAPI
    client: Callable[[], AsyncClient]

    @property
    def cache(self) -> GrantCache:
        cache: GrantCache = self.app.state.grant_cache
        return cache


@pytest.fixture
async def processes(
    settings: Settings, db: AsyncSession, redis: ArqRedis, engine: AsyncEngine
) -> AsyncIterator[tuple[Process, Process]]:
    clients: list[AsyncClient] = []

    def process() -> Process:
        app = build_test_app(settings, db, redis, engine)

        def make() -> AsyncClient:
            http = AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver")
            clients.append(http)
            return http

        return Process(app, make)

    yield process(), process()
    for http in clients:
        await http.aclose()


async def _warm(process: Process, http: AsyncClient, url: str, **kw: object) -> None:
    """Two requests, the second served from the process's cache."""
    assert (await http.get(url, **kw)).status_code == 200  # type: ignore[arg-type]
    hits = process.cache.hits
    assert (await http.get(url, **kw)).status_code == 200  # type: ignore[arg-type]
    assert process.cache.hits == hits + 1


async def _signed_in(process: Process, email: str) -> AsyncClient:
    http = process.client()
    await login(http, email)
    return http


def _with_cookies(process: Process, source: AsyncClient) -> AsyncClient:
    http = process.client()
    http.cookies.update(source.cookies)
    return http


async def test_logout_holds_on_every_process(
    processes: tuple[Process, Process], db: AsyncSession
) -> None:
    one, two = processes
    owner = await create_owner(db)
    tenant = f"/api/v1/tenants/{owner.tenant.id}"
    on_one = await _signed_in(one, owner.user.email)
    on_two = _with_cookies(two, on_one)
    await _warm(one, on_one, tenant)
    await _warm(two, on_two, tenant)

    assert (await on_one.post("/api/v1/auth/logout")).status_code == 204

    assert (await on_two.get(tenant)).status_code == 401
    on_one.cookies.update(on_two.cookies)
    assert (await on_one.get(tenant)).status_code == 401


async def test_key_revocation_holds_on_every_process(
    processes: tuple[Process, Process], db: AsyncSession
) -> None:
    one, two = processes
    owner = await create_owner(db)
    tenant = f"/api/v1/tenants/{owner.tenant.id}"
    admin = await _signed_in(one, owner.user.email)
    created = await admin.post(
        f"{tenant}/api-keys", json={"name": "ci", "scopes": ["workspace:read"]}
    )
    assert created.status_code == 201
    bearer = {"Authorization": f"Bearer {created.json()['key']}"}
    by_key_one, by_key_two = one.client(), two.client()
    await _warm(one, by_key_one, tenant, headers=bearer)
    await _warm(two, by_key_two, tenant, headers=bearer)

    revoked = await admin.delete(f"{tenant}/api-keys/{created.json()['id']}")
    assert revoked.status_code == 204

    assert (await by_key_two.get(tenant, headers=bearer)).status_code == 401
    assert (await by_key_one.get(tenant, headers=bearer)).status_code == 401


async def test_member_removal_holds_on_every_process(
    processes: tuple[Process, Process], db: AsyncSession
) -> None:
    one, two = processes
    owner = await create_owner(db)
    member = await create_user(db)
    membership_id = (await add_member(db, owner.tenant, member, Role.member)).id
    member_email = member.email
    await db.commit()
    tenant = f"/api/v1/tenants/{owner.tenant.id}"
    as_member = await _signed_in(two, member_email)
    await _warm(two, as_member, tenant)
    as_owner = await _signed_in(one, owner.user.email)

    removed = await as_owner.delete(f"{tenant}/members/{membership_id}")
    assert removed.status_code == 204

    assert (await as_member.get(tenant)).status_code == 404
    assert (await as_member.get(f"{tenant}/agents")).status_code == 404


async def test_role_changes_hold_on_every_process(
    processes: tuple[Process, Process], db: AsyncSession
) -> None:
    one, two = processes
    owner = await create_owner(db)
    user = await create_user(db)
    membership_id = (await add_member(db, owner.tenant, user, Role.admin)).id
    email = user.email
    await db.commit()
    tenant = f"/api/v1/tenants/{owner.tenant.id}"
    as_user = await _signed_in(two, email)
    await _warm(two, as_user, tenant)
    as_owner = await _signed_in(one, owner.user.email)

    demoted = await as_owner.patch(f"{tenant}/members/{membership_id}", json={"role": "member"})
    assert demoted.status_code == 200
    invite = {"email": "someone@example.com"}
    refused = await as_user.post(f"{tenant}/invitations", json=invite)
    assert refused.status_code == 403

    await _warm(two, as_user, tenant)
    promoted = await as_owner.patch(f"{tenant}/members/{membership_id}", json={"role": "admin"})
    assert promoted.status_code == 200
    assert (await as_user.post(f"{tenant}/invitations", json=invite)).status_code == 201


async def test_tenant_updates_are_seen_at_once(
    processes: tuple[Process, Process], db: AsyncSession
) -> None:
    one, two = processes
    owner = await create_owner(db)
    tenant = f"/api/v1/tenants/{owner.tenant.id}"
    on_one = await _signed_in(one, owner.user.email)
    on_two = _with_cookies(two, on_one)
    await _warm(two, on_two, tenant)

    assert (await on_one.patch(tenant, json={"name": "Renamed"})).status_code == 200

    assert (await on_two.get(tenant)).json()["name"] == "Renamed"


async def test_without_redis_grants_come_from_the_database(
    processes: tuple[Process, Process], db: AsyncSession
) -> None:
    one, _ = processes
    owner = await create_owner(db)
    tenant = f"/api/v1/tenants/{owner.tenant.id}"
    admin = await _signed_in(one, owner.user.email)
    key = (
        await admin.post(f"{tenant}/api-keys", json={"name": "ci", "scopes": ["workspace:read"]})
    ).json()["key"]
    bearer = {"Authorization": f"Bearer {key}"}
    by_key = one.client()
    await _warm(one, by_key, tenant, headers=bearer)
    broken = create_redis("redis://127.0.0.1:9")
    one.app.state.redis = broken
    try:
        # Revoked behind the cache's back (a bulk UPDATE marks no epoch): only the database knows.
        await db.execute(update(ApiKey).values(revoked_at=func.now()))
        await db.commit()
        hits = one.cache.hits
        assert (await by_key.get(tenant, headers=bearer)).status_code == 401
        assert one.cache.hits == hits
    finally:
        await broken.aclose()


async def test_an_unmarked_change_lasts_no_longer_than_the_ttl(
    processes: tuple[Process, Process], db: AsyncSession
) -> None:
    one, _ = processes
    now = [1000.0]
    one.app.state.grant_cache = GrantCache(5, clock=lambda: now[0])
    owner = await create_owner(db)
    tenant = f"/api/v1/tenants/{owner.tenant.id}"
    admin = await _signed_in(one, owner.user.email)
    key = (
        await admin.post(f"{tenant}/api-keys", json={"name": "ci", "scopes": ["workspace:read"]})
    ).json()["key"]
    bearer = {"Authorization": f"Bearer {key}"}
    by_key = one.client()
    await _warm(one, by_key, tenant, headers=bearer)
    await db.execute(update(ApiKey).values(revoked_at=func.now()))
    await db.commit()

    now[0] += 5.01
    assert (await by_key.get(tenant, headers=bearer)).status_code == 401


async def test_use_timestamps_and_sign_ins_bump_no_epoch(
    processes: tuple[Process, Process], db: AsyncSession, redis: ArqRedis
) -> None:
    one, _ = processes
    owner = await create_owner(db)
    http = one.client()
    await login(http, owner.user.email, PASSWORD)
    await _warm(one, http, f"/api/v1/tenants/{owner.tenant.id}")
    assert await redis.keys(f"{EPOCH_PREFIX}*") == []
