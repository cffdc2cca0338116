"""A Redis that stops answering (SIGSTOP: connections are accepted, nothing is read) costs a request
at most its budget: readiness says Redis is down, everything else carries on without it."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from agentplatform.core.embedded import EmbeddedRedis, start_redis
from agentplatform.core.ratelimit import RateLimiter
from agentplatform.core.redis import WORKER_HEARTBEAT_KEY, create_redis
from agentplatform.runtime import SUPERVISOR_ENV
from arq import ArqRedis
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tests.conftest import Services
from tests.factories import create_owner, login

# What a request may wait for a stalled Redis (the settings' defaults) plus scheduling slack.
READYZ_BOUND = 2.0 + 2.0
REQUEST_BOUND = 2.0 + 2.0


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    server = start_redis(tmp_path, persist=False)
    try:
        yield server
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
        server.stop()


@pytest.fixture
async def stallable(app: Any, own_redis: EmbeddedRedis) -> AsyncIterator[ArqRedis]:
    """The app's Redis is one this test may stop; its settings' timeouts apply."""
    settings = app.state.settings
    client = create_redis(own_redis.url, timeout=settings.redis_timeout_seconds)
    app.state.redis = app.state.arq = client
    app.state.rate_limiter = RateLimiter(client, budget=settings.redis_fast_timeout_seconds)
    await client.set(WORKER_HEARTBEAT_KEY, str(time.time()))
    yield client
    await client.aclose(close_connection_pool=True)


async def _timed(coro: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = await coro
    return result, time.monotonic() - started


async def test_readyz_reports_a_stalled_redis_within_its_budget(
    client: AsyncClient, stallable: ArqRedis, own_redis: EmbeddedRedis
) -> None:
    assert (await client.get("/readyz")).status_code == 200
    os.kill(own_redis.process.pid, signal.SIGSTOP)
    response, took = await _timed(client.get("/readyz"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"] == {"ok": False, "detail": "no answer within 2s"}
    assert checks["worker"]["ok"] is False
    assert checks["postgres"]["ok"] is True
    assert took < READYZ_BOUND, took

    os.kill(own_redis.process.pid, signal.SIGCONT)
    deadline = time.monotonic() + 10
    while (await client.get("/readyz")).status_code != 200:
        assert time.monotonic() < deadline, "readiness did not come back with Redis"
        await asyncio.sleep(0.1)


async def test_requests_carry_on_without_a_stalled_redis(
    client: AsyncClient, db: Any, stallable: ArqRedis, own_redis: EmbeddedRedis
) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    base = f"/api/v1/tenants/{owner.tenant.id}"
    created = await client.post(
        f"{base}/api-keys", json={"name": "ci", "scopes": ["workspace:read"]}
    )
    assert created.status_code == 201, created.text
    key = created.json()["key"]

    os.kill(own_redis.process.pid, signal.SIGSTOP)
    by_cookie, took = await _timed(client.get(base))
    assert by_cookie.status_code == 200
    assert took < REQUEST_BOUND, took
    # An API key is rate limited in Redis: the limiter gives up after its budget and allows.
    by_key, took = await _timed(client.get(base, headers={"Authorization": f"Bearer {key}"}))
    assert by_key.status_code == 200, by_key.text
    assert took < REQUEST_BOUND, took
    # A write whose job cannot be sent is still kept; the sweep sends the job later.
    text = {"title": "Notes", "text": "Opening hours are nine to five."}
    upload, took = await _timed(client.post(f"{base}/knowledge/documents/text", json=text))
    assert upload.status_code == 201, upload.text
    assert upload.json()["status"] == "queued"
    assert took < REQUEST_BOUND, took


async def test_waiting_readiness_probes_hold_no_database_connection(
    app: Any, client: AsyncClient, stallable: ArqRedis, own_redis: EmbeddedRedis, services: Services
) -> None:
    """One pooled connection, many probes waiting on Redis: each uses it briefly and gives it
    back, so every probe still finds PostgreSQL (a probe holding it would starve the others)."""
    small: AsyncEngine = create_async_engine(
        services.database_url, pool_size=1, max_overflow=0, pool_timeout=1
    )
    app.state.engine = small
    try:
        os.kill(own_redis.process.pid, signal.SIGSTOP)
        answers = await asyncio.gather(*(client.get("/readyz") for _ in range(8)))
        for answer in answers:
            checks = answer.json()["checks"]
            assert checks["postgres"] == {"ok": True, "detail": "reachable"}, checks
            assert checks["redis"]["ok"] is False
    finally:
        await small.dispose()


async def test_readyz_shows_a_supervised_child_waiting_to_restart(
    client: AsyncClient,
    stallable: ArqRedis,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = tmp_path / "runtime.json"
    worker = {"running": False, "restarts": 0, "last_exit_code": -9}
    worker |= {"last_exit_at": time.time() - 1, "restart_at": time.time() + 2}
    children = {"API": {"running": True}, "worker": worker}
    runtime.write_text(json.dumps({"pid": 1, "api_url": "x", "children": children}))
    monkeypatch.setenv(SUPERVISOR_ENV, str(runtime))

    down = await client.get("/readyz")
    assert down.status_code == 503
    check = down.json()["checks"]["supervisor"]
    assert check["ok"] is False
    assert "API running; worker down (exit code -9, 1s ago); restarting in" in check["detail"]

    worker |= {"running": True, "restarts": 1, "restart_at": None}
    runtime.write_text(json.dumps({"pid": 1, "api_url": "x", "children": children}))
    up = await client.get("/readyz")
    assert up.status_code == 200, up.text
    assert (
        "worker running, restarted 1 time (last exit code -9"
        in (up.json()["checks"]["supervisor"]["detail"])
    )
