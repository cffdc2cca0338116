"""The OAuth token provider against the simulator: many processes refreshing at once spend the
refresh token once (with Redis, and with only the row lock when Redis is down), the pair is
stored before use, the client refreshes through it, and a revoked grant needs a reconnect."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from agentplatform.core.db import create_sessionmaker, utcnow
from agentplatform.core.redis import create_redis
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoUnauthorized
from agentplatform.kommo.connection.models import ConnectionStatus, KommoConnection
from agentplatform.kommo.connection.oauth_tokens import OAuthTokenProvider
from agentplatform.kommo.connection.service import box, open_client
from agentplatform.kommo.simulator import KommoSimulator
from arq import ArqRedis
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.factories import signed_in_workspace
from tests.kommo.connecting import connect_oauth, kommo_settings, stored_connection


@pytest.fixture
async def live_settings(settings: Settings, tmp_path: Path, kommo: KommoSimulator) -> Settings:
    return kommo_settings(settings, tmp_path, kommo)


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


async def _connected(
    client: httpx.AsyncClient, engine: AsyncEngine, kommo: KommoSimulator
) -> KommoConnection:
    base, tenant_id = await signed_in_workspace(client, engine)
    await connect_oauth(kommo, client, base)
    connection = await stored_connection(engine, tenant_id)
    assert connection is not None
    return connection


def _stored_access(settings: Settings, connection: KommoConnection) -> str:
    return box(settings).decrypt(connection.access_token_encrypted)


async def _concurrent_refreshes(
    count: int,
    connection: KommoConnection,
    settings: Settings,
    redis: ArqRedis,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> tuple[str, list[str | None]]:
    providers = [
        OAuthTokenProvider(connection.id, settings, redis, sessionmaker) for _ in range(count)
    ]
    tokens = {await p.get_token() for p in providers}
    assert len(tokens) == 1
    (rejected,) = tokens
    results = await asyncio.gather(*(p.refresh(rejected) for p in providers))
    return rejected, list(results)


async def test_fifty_concurrent_refreshes_exchange_once(
    live_client: httpx.AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    redis: ArqRedis,
    sessionmaker: async_sessionmaker[AsyncSession],
    kommo: KommoSimulator,
) -> None:
    connection = await _connected(live_client, engine, kommo)
    calls = kommo.oauth.token_calls
    rejected, results = await _concurrent_refreshes(
        50, connection, live_settings, redis, sessionmaker
    )
    assert kommo.oauth.token_calls == calls + 1
    assert len(set(results)) == 1
    fresh = results[0]
    assert fresh is not None
    assert fresh != rejected
    stored = await stored_connection(engine, connection.tenant_id)
    assert stored is not None
    assert _stored_access(live_settings, stored) == fresh  # persisted before it was handed out
    assert stored.access_expires_at is not None
    assert stored.access_expires_at > utcnow() + timedelta(hours=23)
    assert not kommo.oauth.grants[-1].revoked
    assert kommo.oauth.authenticate(fresh)


async def test_without_redis_the_row_lock_serialises_the_refresh(
    live_client: httpx.AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    kommo: KommoSimulator,
) -> None:
    connection = await _connected(live_client, engine, kommo)
    down = create_redis("redis://127.0.0.1:9", timeout=0.2)  # nothing listens on port 9
    try:
        calls = kommo.oauth.token_calls
        _, results = await _concurrent_refreshes(12, connection, live_settings, down, sessionmaker)
    finally:
        await down.aclose()
    assert kommo.oauth.token_calls == calls + 1
    assert len(set(results)) == 1
    assert results[0] is not None
    assert not kommo.oauth.grants[-1].revoked


async def test_the_client_refreshes_an_expired_token_through_the_provider(
    live_client: httpx.AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    redis: ArqRedis,
    sessionmaker: async_sessionmaker[AsyncSession],
    kommo: KommoSimulator,
) -> None:
    connection = await _connected(live_client, engine, kommo)
    kommo.oauth.expire_access_tokens()  # Kommo says 401 although our clock says valid
    calls = kommo.oauth.token_calls
    async with open_client(connection, live_settings, redis, sessionmaker) as kommo_client:
        account = await kommo_client.account()
    assert account.id == kommo.state.account_id
    assert kommo.oauth.token_calls == calls + 1


async def test_get_token_refreshes_shortly_before_the_expiry(
    live_client: httpx.AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    redis: ArqRedis,
    sessionmaker: async_sessionmaker[AsyncSession],
    kommo: KommoSimulator,
) -> None:
    connection = await _connected(live_client, engine, kommo)
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(KommoConnection)
            .where(KommoConnection.id == connection.id)
            .values(access_expires_at=utcnow() + timedelta(minutes=2))
        )
    calls = kommo.oauth.token_calls
    provider = OAuthTokenProvider(connection.id, live_settings, redis, sessionmaker)
    token = await provider.get_token()
    assert token != _stored_access(live_settings, connection)
    assert kommo.oauth.token_calls == calls + 1
    assert await provider.get_token() == token  # fresh now: no second refresh
    assert kommo.oauth.token_calls == calls + 1


async def test_a_revoked_grant_needs_a_reconnect(
    live_client: httpx.AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    redis: ArqRedis,
    sessionmaker: async_sessionmaker[AsyncSession],
    kommo: KommoSimulator,
) -> None:
    connection = await _connected(live_client, engine, kommo)
    kommo.oauth.revoke_all()  # uninstalled, and the revoke hook never reached us
    provider = OAuthTokenProvider(connection.id, live_settings, redis, sessionmaker)
    assert await provider.refresh(await provider.get_token()) is None

    stored = await stored_connection(engine, connection.tenant_id)
    assert stored is not None
    assert stored.status is ConnectionStatus.reconnect_required
    assert stored.last_error is not None
    assert "revoked" in stored.last_error
    base = f"/api/v1/tenants/{connection.tenant_id}/integrations/kommo/status"
    status = (await live_client.get(base)).json()
    assert status["state"] == "reconnect_required"
    assert status["last_error"] == stored.last_error

    requests = len(kommo.requests)
    with pytest.raises(KommoUnauthorized):
        await OAuthTokenProvider(connection.id, live_settings, redis, sessionmaker).get_token()
    async with open_client(stored, live_settings, redis, sessionmaker) as kommo_client:
        with pytest.raises(KommoUnauthorized):
            await kommo_client.account()
    assert len(kommo.requests) == requests  # nothing more was sent to Kommo


async def test_a_missing_connection_gives_no_token(
    live_settings: Settings, redis: ArqRedis, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    provider = OAuthTokenProvider(uuid.uuid4(), live_settings, redis, sessionmaker)
    with pytest.raises(KommoUnauthorized):
        await provider.get_token()
    assert await provider.refresh("whatever") is None
    assert "token=**" in repr(provider)
