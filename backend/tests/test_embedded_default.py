"""`make run` as a user runs it: no DATABASE_URL / REDIS_URL, a fresh data dir, one command.

The supervisor is started as a subprocess exactly like `make run` does, the product is used over
HTTP (readiness, docs, login) with an admin made by `agentplatform admin` from "another terminal",
and Ctrl-C must leave nothing running. The SPA mounting is tested in-process, in test_spa.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from agentplatform.core.settings import DEV_ENCRYPTION_KEY

READY_TIMEOUT = 90.0
STOP_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("agentplatform")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "agentplatform.cli"]


def _processes_using(path: Path) -> list[int]:
    """Live processes whose command line mentions `path` (the embedded servers' data dirs)."""
    needle = str(path).encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if needle in cmdline:
            found.append(int(proc.name))
    return found


def _log_tail(log: Path, limit: int = 6000) -> str:
    try:
        return log.read_text(errors="replace")[-limit:]
    except OSError:
        return "(no output)"


@pytest.fixture
def product_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL", "TEST_REDIS_URL"}
    }
    env.update(
        ENV="development",
        HOST="127.0.0.1",
        DATA_DIR=str(tmp_path / ".data"),
        PORT=str(_free_port()),
        WORKER_METRICS_PORT=str(_free_port()),
        WORKER_HEARTBEAT_SECONDS="1",
        WORK_STALE_SECONDS="5",  # a killed worker's document is revived within seconds
        WORK_SWEEP_SECONDS="5",
        LOG_JSON="false",
        LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture
def supervisor(tmp_path: Path, product_env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603
            [*_cli(), "run"],
            cwd=tmp_path,
            env=product_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        # Never leak servers into the rest of the suite, even when the test failed.
        data_dir = Path(product_env["DATA_DIR"]).resolve()
        for pid in _processes_using(data_dir):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _wait_ready(proc: subprocess.Popen[bytes], base: str, log: Path) -> dict[str, object]:
    deadline = time.monotonic() + READY_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"`agentplatform run` exited with {proc.returncode}:\n{_log_tail(log)}")
        try:
            response = httpx.get(f"{base}/readyz", timeout=5)
            if response.status_code == 200:
                body: dict[str, object] = response.json()
                return body
            last = f"{response.status_code} {response.text[:500]}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.5)
    pytest.fail(f"/readyz not 200 after {READY_TIMEOUT}s (last: {last}):\n{_log_tail(log)}")


def test_make_run_embedded_default(
    tmp_path: Path, product_env: dict[str, str], supervisor: subprocess.Popen[bytes]
) -> None:
    """Up, ready, an admin made from another terminal, signed in; a worker killed mid-document
    heals; Ctrl-C leaves nothing running."""
    log = tmp_path / "run.log"
    base = f"http://127.0.0.1:{product_env['PORT']}"
    data_dir = Path(product_env["DATA_DIR"]).resolve()

    readiness = _wait_ready(supervisor, base, log)
    assert readiness["status"] == "ready"
    assert httpx.get(f"{base}/docs", timeout=10).status_code == 200

    output = _log_tail(log)
    assert base in output
    assert "make admin" in output
    assert "Web app" in output

    # Other terminals find the embedded servers through runtime.json.
    runtime = json.loads((data_dir / "runtime.json").read_text())
    assert runtime["pid"] == supervisor.pid
    assert runtime["database_url"].startswith("postgresql+asyncpg://")
    assert runtime["redis_url"].startswith("unix://")
    # The first start made private keys instead of using the public development ones.
    assert (data_dir / "secrets.env").stat().st_mode & 0o777 == 0o600
    assert DEV_ENCRYPTION_KEY not in (data_dir / "secrets.env").read_text()

    admin = [
        *_cli(),
        "admin",
        "--email",
        "owner@example.com",
        "--password",
        "correct horse battery",
        "--tenant",
        "Acme",
    ]
    first = subprocess.run(  # noqa: S603
        admin, cwd=tmp_path, env=product_env, capture_output=True, text=True, timeout=60
    )
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Created user owner@example.com" in first.stdout
    assert "Created tenant 'Acme'" in first.stdout
    assert "correct horse battery" not in first.stdout + first.stderr

    again = subprocess.run(  # noqa: S603
        admin, cwd=tmp_path, env=product_env, capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already existed" in again.stdout

    bad = subprocess.run(  # noqa: S603
        [*_cli(), "admin", "--email", "not-an-email", "--password", "", "--tenant", "Acme"],
        cwd=tmp_path,
        env=product_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stdout + bad.stderr
    assert "email" in bad.stderr

    login = httpx.post(
        f"{base}/api/v1/auth/login",
        json={"email": "owner@example.com", "password": "correct horse battery"},
        timeout=10,
    )
    assert login.status_code == 200, login.text

    _kill_the_worker_mid_document(supervisor, base, log, login.cookies)

    started = time.monotonic()
    supervisor.send_signal(signal.SIGINT)
    try:
        code = supervisor.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`agentplatform run` did not stop within {STOP_TIMEOUT}s:\n{_log_tail(log)}")
    assert code == 0, _log_tail(log)
    assert time.monotonic() - started < STOP_TIMEOUT
    assert not (data_dir / "runtime.json").exists()
    deadline = time.monotonic() + 5
    while _processes_using(data_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_using(data_dir) == [], "embedded servers still running after Ctrl-C"


def _children_of(pid: int) -> dict[int, bytes]:
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found[int(proc.name)] = (proc / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
    return found


def _sentences(count: int) -> str:
    topics = ["delivery", "pricing", "returns", "warranty", "support", "billing", "accounts"]
    return " ".join(
        f"Rule {i}: for {topics[i % len(topics)]} the answer number {i * 7919 % 10007} applies "
        f"on weekdays between {i % 9 + 8} and {i % 5 + 17} o'clock."
        for i in range(count)
    )


def _worker_pids(supervisor: subprocess.Popen[bytes]) -> list[int]:
    return [pid for pid, cmd in _children_of(supervisor.pid).items() if cmd.endswith(b"worker\0")]


def _kill_the_worker_mid_document(
    supervisor: subprocess.Popen[bytes], base: str, log: Path, cookies: httpx.Cookies
) -> None:
    """SIGKILL the worker while it embeds a document: the supervisor starts it again, /readyz
    says what happened, the sweep counts the death as an attempt and the document ends ready."""
    http = httpx.Client(base_url=base, timeout=30, cookies=cookies)
    tenant = http.get("/api/v1/auth/me").json()["tenants"][0]["id"]
    documents = f"/api/v1/tenants/{tenant}/knowledge/documents"
    created = http.post(f"{documents}/text", json={"title": "Rules", "text": _sentences(1200)})
    assert created.status_code == 201, created.text
    document = created.json()["id"]

    deadline = time.monotonic() + 60
    while (status := http.get(f"{documents}/{document}").json()["status"]) != "embedding":
        assert status in {"queued", "parsing", "chunking"}, status
        assert time.monotonic() < deadline, "the document never started embedding"
        time.sleep(0.05)
    (worker,) = _worker_pids(supervisor)
    os.kill(worker, signal.SIGKILL)

    deadline = time.monotonic() + 30
    while True:
        readiness = httpx.get(f"{base}/readyz", timeout=10).json()
        if "restarted 1 time (last exit code -9" in readiness["checks"]["supervisor"]["detail"]:
            break
        assert time.monotonic() < deadline, readiness
        time.sleep(0.2)
    assert _worker_pids(supervisor) not in ([], [worker])

    deadline = time.monotonic() + 180
    while (found := http.get(f"{documents}/{document}").json())["status"] != "ready":
        assert found["status"] != "failed", found["last_error"]
        assert time.monotonic() < deadline, f"{found}\n{_log_tail(log)}"
        time.sleep(0.5)
    assert found["attempts"] == 2, found
    assert supervisor.poll() is None
    output = _log_tail(log)
    assert "worker exited unexpectedly (exit code -9)" in output
    assert "Restarted the worker (restart 1)" in output


def test_admin_without_running_product_uses_embedded_postgres(
    tmp_path: Path, product_env: dict[str, str]
) -> None:
    """Nothing runs: `make admin` starts PostgreSQL for the duration, migrates, creates, stops."""
    result = subprocess.run(  # noqa: S603
        [
            *_cli(),
            "admin",
            "--email",
            "solo@example.com",
            "--password",
            "long enough",
            "--tenant",
            "Solo",
        ],
        cwd=tmp_path,
        env=product_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Created user solo@example.com" in result.stdout
    data_dir = Path(product_env["DATA_DIR"]).resolve()
    deadline = time.monotonic() + 10
    while _processes_using(data_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_using(data_dir) == []


def test_admin_rejects_bad_input_without_traceback(
    tmp_path: Path, product_env: dict[str, str]
) -> None:
    for args, word in (
        (["--email", "nope", "--password", "long enough", "--tenant", "T"], "email"),
        (["--email", "a@example.com", "--password", "", "--tenant", "T"], "password"),
        (["--email", "a@example.com", "--password", "long enough", "--tenant", " "], "tenant"),
    ):
        result = subprocess.run(  # noqa: S603
            [*_cli(), "admin", *args],
            cwd=tmp_path,
            env=product_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert word in result.stderr.lower()
    # Validation comes first: nothing was started for bad input.
    assert not (tmp_path / ".data" / "postgres").exists()
