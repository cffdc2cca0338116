"""What tenant scoping costs per request: a real uvicorn API on loopback, measured from a client.

Baseline: `/healthz` (no auth, no database) in the same run. Scenarios: an API key and a session
cookie on `GET /api/v1/tenants/{id}`, which authenticates, checks membership and scope, and reads
the tenant. Uses DATABASE_URL / REDIS_URL when set, else embedded servers in a temporary directory.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from agentplatform.core.embedded import start_postgres, start_redis
from agentplatform.core.migrations import upgrade_head


@dataclass
class Result:
    name: str
    latencies_ms: list[float]
    seconds: float
    errors: int

    def row(self, baseline: Result | None) -> str:
        lat = sorted(self.latencies_ms)
        p50 = statistics.median(lat)
        p95 = lat[int(len(lat) * 0.95) - 1]
        rps = len(lat) / self.seconds
        base_rps = len(baseline.latencies_ms) / baseline.seconds if baseline else rps
        ratio = f"{rps / base_rps:.2f}x"
        return (
            f"| {self.name:<34} | {rps:>8.0f} | {p50:>7.2f} | {p95:>7.2f} "
            f"| {ratio:>9} | {self.errors:>6} |"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _load(
    client: httpx.AsyncClient, name: str, url: str, requests: int, concurrency: int, **kw: object
) -> Result:
    latencies: list[float] = []
    errors = 0
    queue = iter(range(requests))

    async def worker() -> None:
        nonlocal errors
        for _ in queue:
            started = time.perf_counter()
            response = await client.get(url, **kw)  # type: ignore[arg-type]
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                errors += 1

    for _ in range(min(50, requests)):  # warm-up
        await client.get(url, **kw)  # type: ignore[arg-type]
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Result(name, latencies, time.perf_counter() - started, errors)


async def _scenarios(
    base: str, email: str, password: str, requests: int, concurrency: int
) -> list[Result]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for _ in range(200):
            try:
                if (await client.get("/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
        login = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
        login.raise_for_status()
        tenant_id = login.json()["tenants"][0]["id"]
        created = await client.post(
            f"/api/v1/tenants/{tenant_id}/api-keys",
            json={"name": "bench", "scopes": ["workspace:read"]},
        )
        created.raise_for_status()
        key = created.json()["key"]
        cookies = dict(client.cookies)
        client.cookies.clear()
        tenant_url = f"/api/v1/tenants/{tenant_id}"
        return [
            await _load(client, "GET /healthz (baseline)", "/healthz", requests, concurrency),
            await _load(
                client, "GET tenant, API key", tenant_url, requests, concurrency,
                headers={"Authorization": f"Bearer {key}"},
            ),
            await _load(
                client, "GET tenant, session cookie", tenant_url, requests, concurrency,
                cookies=cookies,
            ),
        ]  # fmt: skip


def run(requests: int, concurrency: int) -> None:
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
        upgrade_head(database_url)
        email, password = "bench@example.com", "bench-password-1"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "ENV": "development",
            "LOG_LEVEL": "WARNING",
            "RATE_LIMIT_API_KEY": "1000000/minute",
            "RATE_LIMIT_LOGIN": "1000/minute",
            "STATIC_DIR": str(data / "no-spa"),
        }
        cli = [sys.executable, "-m", "agentplatform.cli"]
        subprocess.run(  # noqa: S603
            [*cli, "admin", "--email", email, "--password", password, "--tenant", "Bench"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable, "-m", "uvicorn", "--factory", "agentplatform.main:build_app",
                "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
                "--loop", "uvloop", "--http", "httptools",
            ],
            env=env,
        )  # fmt: skip
        try:
            results = asyncio.run(
                _scenarios(f"http://127.0.0.1:{port}", email, password, requests, concurrency)
            )
        finally:
            server.terminate()
            server.wait(10)
            for stop in reversed(stops):
                stop()
    print(f"\nAPI overhead: {requests} requests per scenario, {concurrency} in flight, one uvicorn")
    print(f"| {'scenario':<34} |    req/s | p50 ms  | p95 ms  | vs base   | errors |")
    print(f"|{'-' * 36}|----------|---------|---------|-----------|--------|")
    for result in results:
        print(result.row(None if result is results[0] else results[0]))
