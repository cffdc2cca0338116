"""What a request costs before the route's own work, measured with wrk against real uvicorn.

One run, one machine, one API process, side by side:
- an empty FastAPI route (`bench.bare`, served by the same `cli.serve` as the API: the baseline);
- `GET /healthz` of the real app (middleware, logging, routing; no auth, no database);
- `GET /api/v1/tenants/{id}` by session cookie and by API key (authentication, membership,
  scopes, one tenant read: the tenant choke point);
- `GET /api/v1/tenants/{id}/agents` by cookie (a list route: choke point plus a page query).

The load comes from wrk (C, on its own threads), not from a Python client competing for the same
cores. The API runs as `agentplatform api` runs it in production (INFO logs, JSON), its log going
to a file whose access lines are counted per request. The API key's rate limit is raised for this
process only, so that the limiter is checked on every request but never answers 429.
Uses DATABASE_URL / REDIS_URL when set, else embedded servers in a temporary directory.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from agentplatform.core.embedded import start_postgres, start_redis
from agentplatform.core.migrations import upgrade_head

# Per-thread status counts, merged in `done`, and the summary wrk measured, as parseable lines.
_WRK_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout))
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      io.write(string.format("STATUS %d %d\\n", status, n))
    end
  end
end
"""
_ACCESS_LOGGERS = ("uvicorn.access", "agentplatform.access")


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def count(self, low: int, high: int) -> int:
        return sum(n for status, n in self.statuses.items() if low <= status <= high)

    def row(self, baseline: Result) -> str:
        non_ok = self.requests - self.statuses[200]
        return (
            f"| {self.name:<32} | {self.rps:>7.0f} | {self.p50_ms:>7.2f} | {self.p99_ms:>7.2f} "
            f"| {self.rps / baseline.rps:>7.2f}x | {non_ok:>7} | {self.count(500, 599):>4} "
            f"| {self.statuses[429]:>4} |"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within 90 s")


def _wrk(
    wrk: str,
    name: str,
    url: str,
    headers: dict[str, str],
    load: WrkLoad,
    scripts: Path,
    body: str | None = None,
) -> Result:
    """`body` (ASCII: JSON's escapes are Lua's too) makes every request a POST of it."""
    lines = [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    if body is not None:
        lines += ['wrk.method = "POST"', f"wrk.body = {json.dumps(body, ensure_ascii=True)}"]
    script = scripts / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.lua"
    script.write_text("\n".join(lines) + _WRK_LUA)
    base = [wrk, f"-t{load.threads}", f"-c{load.connections}", "-s", str(script), url]
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


@dataclass(frozen=True)
class WrkLoad:
    seconds: int
    connections: int
    threads: int
    warmup: int = 2


def _serve(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        return subprocess.Popen(command, env=env, stdout=sink, stderr=sink)  # noqa: S603


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def _access_lines(log: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("logger") in _ACCESS_LOGGERS:
            counts[str(record["logger"])] += 1
    return counts


def _prepare(base: str, email: str, password: str) -> tuple[str, str, str]:
    """Signs in, makes an API key and a few agents; returns tenant id, cookie header, key."""
    with httpx.Client(base_url=base, timeout=30) as client:
        login = client.post("/api/v1/auth/login", json={"email": email, "password": password})
        login.raise_for_status()
        tenant_id = str(login.json()["tenants"][0]["id"])
        created = client.post(
            f"/api/v1/tenants/{tenant_id}/api-keys",
            json={"name": "bench", "scopes": ["workspace:read", "agents:read"]},
        )
        created.raise_for_status()
        for n in range(5):
            client.post(
                f"/api/v1/tenants/{tenant_id}/agents", json={"name": f"Bench agent {n}"}
            ).raise_for_status()
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        return tenant_id, cookie, str(created.json()["key"])


def run(seconds: int, connections: int, threads: int) -> None:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("the API benchmark needs wrk: `sudo apt-get install wrk` (or brew)")
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
            results, access = _measure(wrk, load, data, database_url, redis_url)
        finally:
            for stop in reversed(stops):
                stop()
    _print(results, access, load)


def api_environment(database_url: str, redis_url: str, data: Path, port: int) -> dict[str, str]:
    """The environment of a benched `agentplatform api` process on `port`."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "ENV": "development",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        # Room for every request of the run: the limiter is consulted, never answers.
        "RATE_LIMIT_API_KEY": "10000000/minute",
        "RATE_LIMIT_LOGIN": "1000/minute",
        "STATIC_DIR": str(data / "no-spa"),
        "DATA_DIR": str(data / "app"),
    }
    env.pop("LOG_LEVEL", None)
    env.pop("LOG_JSON", None)
    return env


def create_bench_admin(env: dict[str, str], email: str, password: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "agentplatform.cli", "admin", "--email", email,
         "--password", password, "--tenant", "Bench"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip


def _measure(
    wrk: str, load: WrkLoad, data: Path, database_url: str, redis_url: str
) -> tuple[list[Result], dict[str, float]]:
    upgrade_head(database_url)
    email, password = "bench@example.com", "bench-password-1"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = api_environment(database_url, redis_url, data, port)
    create_bench_admin(env, email, password)
    scripts = data / "wrk"
    scripts.mkdir()

    bare = _serve([sys.executable, "-m", "bench.bare"], env, data / "bare.log")
    try:
        _wait_until_up(f"{base}/empty", bare)
        results = [_wrk(wrk, "empty FastAPI route (baseline)", f"{base}/empty", {}, load, scripts)]
    finally:
        _stop(bare)

    api_log = data / "api.log"
    api = _serve([sys.executable, "-m", "agentplatform.cli", "api"], env, api_log)
    try:
        _wait_until_up(f"{base}/healthz", api)
        tenant_id, cookie, key = _prepare(base, email, password)
        tenant = f"{base}/api/v1/tenants/{tenant_id}"
        by_cookie = {"Cookie": cookie}
        by_key = {"Authorization": f"Bearer {key}"}
        access = _access_lines_per_request(f"{base}/healthz", api_log)
        results += [
            _wrk(wrk, "GET /healthz", f"{base}/healthz", {}, load, scripts),
            _wrk(wrk, "GET tenant, session cookie", tenant, by_cookie, load, scripts),
            _wrk(wrk, "GET tenant, API key", tenant, by_key, load, scripts),
            _wrk(wrk, "GET tenant agents, cookie", f"{tenant}/agents", by_cookie, load, scripts),
        ]
    finally:
        _stop(api)
    return results, access


def _access_lines_per_request(url: str, log: Path, requests: int = 100) -> dict[str, float]:
    """How many access lines each logger writes per request, from `requests` sequential GETs."""
    before = _access_lines(log)
    with httpx.Client(timeout=10) as client:
        for _ in range(requests):
            client.get(url).raise_for_status()
    time.sleep(0.5)  # let the last lines reach the file
    after = _access_lines(log)
    return {name: (after[name] - before[name]) / requests for name in _ACCESS_LOGGERS}


def _print(results: list[Result], access: dict[str, float], load: WrkLoad) -> None:
    baseline = results[0]
    print(
        f"\nAPI overhead: wrk -t{load.threads} -c{load.connections} -d{load.seconds}s "
        f"(after {load.warmup}s warm-up) per row, one uvicorn process, {os.cpu_count()} CPUs"
    )
    print(f"| {'scenario':<32} |   req/s |  p50 ms |  p99 ms | vs empty | non-200 |  5xx |  429 |")
    print(f"|{'-' * 34}|---------|---------|---------|----------|---------|------|------|")
    for result in results:
        print(result.row(baseline))
    per_logger = ", ".join(f"{name} {n:.2f}" for name, n in access.items())
    print(f"access log lines per request: {sum(access.values()):.2f} ({per_logger})")
    bad = sum(r.count(500, 599) + r.statuses[429] + r.socket_errors for r in results)
    if bad:
        raise SystemExit(f"{bad} requests failed (5xx, 429 or socket errors): see the table")
