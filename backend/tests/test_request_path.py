"""The cheap request path: one access line, no ping per pool checkout, lost connections handled."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from typing import Any

import asyncpg
import pytest
from agentplatform import cli
from agentplatform.core.db import create_engine
from agentplatform.core.errors import install_error_handlers
from agentplatform.core.settings import Settings
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError


def test_uvicorn_writes_no_access_line_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_run(target: str, **kwargs: Any) -> None:
        seen.update(kwargs, target=target)

    monkeypatch.setattr("uvicorn.run", fake_run)
    cli.serve("agentplatform.main:build_app", Settings(), factory=True)
    assert seen["access_log"] is False
    assert seen["factory"] is True


def test_logging_leaves_uvicorn_no_access_handler() -> None:
    # In a child process: configure_logging replaces the root handlers of the whole process.
    script = """
import logging
from agentplatform.core.logging import configure_logging
from agentplatform.core.settings import Settings
configure_logging(Settings(), component="api")
assert not logging.getLogger("uvicorn.access").hasHandlers()
assert logging.getLogger("agentplatform.access").hasHandlers()
print("ok")
"""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


async def test_one_access_line_per_request(
    client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = await client.get("/healthz", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 200
    lines = [r for r in caplog.records if r.name in {"agentplatform.access", "uvicorn.access"}]
    assert len(lines) == 1
    record = lines[0]
    assert record.name == "agentplatform.access"
    assert record.__dict__["status"] == 200
    assert record.__dict__["path"] == "/healthz"


async def test_pool_does_not_ping_and_replaces_a_connection_the_server_closed(
    settings: Settings, raw_pg: asyncpg.Connection
) -> None:
    engine = create_engine(settings.model_copy(update={"db_pool_size": 1, "db_max_overflow": 0}))
    try:
        assert engine.pool._pre_ping is False  # type: ignore[attr-defined]
        assert engine.pool._recycle == settings.db_pool_recycle_seconds  # type: ignore[attr-defined]
        async with engine.connect() as conn:
            first_pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            driver = (await conn.get_raw_connection()).driver_connection
        await raw_pg.execute("SELECT pg_terminate_backend($1)", first_pid)
        for _ in range(50):  # the driver notices the closed socket when the loop runs
            await asyncio.sleep(0.02)
            if driver.is_closed():
                break
        async with engine.connect() as conn:
            second_pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert second_pid != first_pid
    finally:
        await engine.dispose()


async def test_a_connection_lost_mid_request_is_a_503_to_retry() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/lost")
    async def lost() -> None:
        raise DBAPIError("SELECT 1", {}, ConnectionError("gone"), connection_invalidated=True)

    @app.get("/broken")
    async def broken() -> None:
        raise DBAPIError("SELECT 1", {}, ValueError("bad"), connection_invalidated=False)

    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/lost")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert response.json()["type"].endswith("service-unavailable")
        assert (await http.get("/broken")).status_code == 500


def test_fast_json_lines_match_the_structlog_chain() -> None:
    script = """
import json, logging
import structlog
from agentplatform.core.context import set_request_id
from agentplatform.core.logging import JsonLineFormatter, configure_logging
from agentplatform.core.settings import Settings
configure_logging(Settings(log_json=True), component="api")
formatter = logging.getLogger().handlers[0].formatter
assert isinstance(formatter, JsonLineFormatter)
set_request_id("req-9")
record = logging.getLogger("agentplatform.access").makeRecord(
    "agentplatform.access", logging.INFO, "f.py", 1, "request %s", ("x",), None,
    extra={"status": 200, "path": "/p", "token": "s3cr3t"},
)
fast = json.loads(formatter.format(record))
chain = json.loads(structlog.stdlib.ProcessorFormatter.format(formatter, record))
fast.pop("timestamp"), chain.pop("timestamp")
assert list(fast) == list(chain), (fast, chain)
assert fast == chain, (fast, chain)
assert fast["token"] == "[redacted]" and fast["request_id"] == "req-9", fast
print("ok")
"""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
