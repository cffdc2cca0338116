"""Kommo webhook intake under load: deliveries per second of one API process, each stored in
PostgreSQL before its 200, beside an empty FastAPI route that reads a POST body (the baseline).

wrk posts a real-shaped incoming-message body (`message[add][0][...]`, the account block, form
encoded as Kommo sends it) to `POST /api/v1/hooks/kommo/{token}`; its Lua script gives every
request a message id of its own, so every delivery is a new event (the insert, the commit, the
job sent to Redis), not the cheaper duplicate path. A second row repeats one body, which is the
duplicate path (the row's `deliveries` counted up, no job). No worker runs: the jobs stay queued.
After the run the rows are counted: as many new events as 200s, or the bench fails.
Uses DATABASE_URL / REDIS_URL when set, else embedded servers in a temporary directory.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import asyncpg
from agentplatform.core.db import create_engine, create_sessionmaker
from agentplatform.core.embedded import start_postgres, start_redis
from agentplatform.core.migrations import upgrade_head
from agentplatform.core.settings import Settings
from agentplatform.kommo.client.models import Account
from agentplatform.kommo.connection.models import AuthKind
from agentplatform.kommo.connection.service import WEBHOOK_PATH, save_connection, webhook_token
from agentplatform.kommo.forms import encode_form
from sqlalchemy import text

from bench.api_overhead import (
    _WRK_LUA,
    Result,
    WrkLoad,
    _free_port,
    _serve,
    _stop,
    _wait_until_up,
    api_environment,
    create_bench_admin,
)

ACCOUNT_ID = 32720107
MARK = "MSGID"  # where the Lua script puts each request's message id


def delivery_body(message_id: str) -> str:
    """An incoming chat message as Kommo posts it (API.md §2.3)."""
    return encode_form(
        {
            "account": {
                "subdomain": "acme",
                "id": ACCOUNT_ID,
                "_links": {"self": "https://acme.kommo.com"},
            },
            "message": {
                "add": [
                    {
                        "id": message_id,
                        "chat_id": "33b41601-7ed1-443b-9108-6938ae6b7935",
                        "talk_id": 191,
                        "contact_id": 11018118,
                        "text": "Hello, how much is the premium plan?",
                        "created_at": 1726581295,
                        "element_type": 2,
                        "entity_type": "lead",
                        "element_id": 9276114,
                        "entity_id": 9276114,
                        "type": "incoming",
                        "author": {
                            "id": "e1ec058c-7efb-4b59-9a31-24b1bc3168f6",
                            "type": "external",
                            "name": "Jane Client",
                        },
                        "origin": "telegram",
                    }
                ]
            },
        }
    ).decode()


def _script(body: str, unique: bool) -> str:
    head, _, tail = body.partition(MARK)
    lines = [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
        f"wrk.body = {json.dumps(head + 'same' + tail)}",
    ]
    if unique:
        lines += [
            "local counter = 0",
            "local prefix, suffix = " + json.dumps(head) + ", " + json.dumps(tail),
            # Per thread and per wrk run: each thread has its own Lua state (and tables).
            "local tag = os.time() .. tostring({}):sub(8)",
            "request = function()",
            "  counter = counter + 1",
            "  local body = prefix .. tag .. '-' .. counter .. suffix",
            "  return wrk.format(nil, nil, nil, body)",
            "end",
        ]
    return "\n".join(lines) + "\n" + _WRK_LUA


def _run_wrk(wrk: str, name: str, url: str, script: str, load: WrkLoad, scripts: Path) -> Result:
    path = scripts / f"{len(list(scripts.iterdir()))}.lua"
    path.write_text(script)
    base = [wrk, f"-t{load.threads}", f"-c{load.connections}", "-s", str(path), url]
    subprocess.run([*base[:1], "-d", f"{load.warmup}s", *base[1:]], check=True, capture_output=True)  # noqa: S603
    done = subprocess.run(  # noqa: S603
        [*base[:1], "-d", f"{load.seconds}s", "--timeout", "10s", *base[1:]],
        check=True,
        capture_output=True,
        text=True,
    )
    result: Result | None = None
    statuses: Counter[int] = Counter()
    for line in done.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["RESULT"]:
            requests, duration_us, p50_us, p99_us, errors = (int(p) for p in parts[1:])
            result = Result(name, requests, duration_us / 1e6, p50_us / 1e3, p99_us / 1e3, errors)
        elif parts[:1] == ["STATUS"]:
            statuses[int(parts[1])] += int(parts[2])
    if result is None:
        raise RuntimeError(f"wrk printed no result for {name}:\n{done.stdout}\n{done.stderr}")
    result.statuses = statuses
    return result


async def _connect(database_url: str, data: Path) -> str:
    """The bench workspace's Kommo connection (a long-lived token never used); its hook path."""
    settings = Settings(env="development", database_url=database_url, data_dir=data / "app")
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            tenant_id = await session.scalar(text("SELECT id FROM tenant LIMIT 1"))
            account = Account(id=ACCOUNT_ID, name="Acme", subdomain="acme", current_user_id=1)
            connection = await save_connection(
                session,
                settings,
                tenant_id,
                base_url="https://acme.kommo.com",
                account=account,
                auth_kind=AuthKind.long_lived,
                access_token="bench-token",  # noqa: S106 - never sent anywhere
            )
            await session.commit()
            return f"{WEBHOOK_PATH}/{webhook_token(settings, connection)}"
    finally:
        await engine.dispose()


async def _stored(database_url: str) -> tuple[int, int]:
    """(rows, deliveries) of the webhook events table."""
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            "SELECT count(*), coalesce(sum(deliveries), 0) FROM kommo_webhook_event"
        )
        assert row is not None
        return int(row[0]), int(row[1])
    finally:
        await conn.close()


def _measure(
    wrk: str, load: WrkLoad, data: Path, database_url: str, redis_url: str
) -> tuple[list[Result], tuple[int, int]]:
    upgrade_head(database_url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = api_environment(database_url, redis_url, data, port)
    create_bench_admin(env, "bench@example.com", "bench-password-1")
    hook = asyncio.run(_connect(database_url, data))
    scripts = data / "wrk"
    scripts.mkdir()
    body = delivery_body(MARK)

    bare = _serve([sys.executable, "-m", "bench.bare"], env, data / "bare.log")
    try:
        _wait_until_up(f"{base}/empty", bare)
        results = [
            _run_wrk(
                wrk, "empty POST route (baseline)", f"{base}/empty",
                _script(body, unique=False), load, scripts,
            )
        ]  # fmt: skip
    finally:
        _stop(bare)

    api = _serve([sys.executable, "-m", "agentplatform.cli", "api"], env, data / "api.log")
    try:
        _wait_until_up(f"{base}/healthz", api)
        url = f"{base}{hook}"
        results.append(
            _run_wrk(wrk, "webhook, a new event each", url, _script(body, True), load, scripts)
        )
        new_rows = asyncio.run(_stored(database_url))
        results.append(
            _run_wrk(wrk, "webhook, the same event", url, _script(body, False), load, scripts)
        )
    finally:
        _stop(api)
    return results, new_rows


def run(seconds: int, connections: int = 50, threads: int = 2) -> None:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("the intake benchmark needs wrk: `sudo apt-get install wrk` (or brew)")
    load = WrkLoad(seconds=seconds, connections=connections, threads=threads)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        data = Path(tmp)
        stops = []
        database_url = os.environ.get("DATABASE_URL")
        redis_url = os.environ.get("REDIS_URL")
        if not database_url:
            pg = start_postgres(data)
            database_url = pg.url()
            stops.append(pg.stop)
        if not redis_url:
            redis = start_redis(data, persist=False)
            redis_url = redis.url
            stops.append(redis.stop)
        try:
            results, (rows, _) = _measure(wrk, load, data, database_url, redis_url)
        finally:
            for stop in reversed(stops):
                stop()
    _print(results, rows, load)


def _print(results: list[Result], rows: int, load: WrkLoad) -> None:
    baseline = results[0]
    print(
        f"\nKommo webhook intake: wrk -t{load.threads} -c{load.connections} -d{load.seconds}s "
        f"(after {load.warmup}s warm-up) per row, one uvicorn process, {os.cpu_count()} CPUs"
    )
    print(f"| {'scenario':<32} |   req/s |  p50 ms |  p99 ms | vs empty | non-200 |  5xx |  429 |")
    print(f"|{'-' * 34}|---------|---------|---------|----------|---------|------|------|")
    for result in results:
        print(result.row(baseline))
    new = results[1]
    # Warm-up requests are stored too: at least as many rows as the measured run's 200s.
    print(f"rows stored by the new-event runs (warm-up included): {rows}; 200s measured: "
          f"{new.statuses[200]}")  # fmt: skip
    if rows < new.statuses[200]:
        raise SystemExit(f"only {rows} events stored for {new.statuses[200]} answers 200")
    bad = sum(r.count(500, 599) + r.socket_errors for r in results)
    if bad:
        raise SystemExit(f"{bad} requests failed (5xx or socket errors): see the table")
