"""The supervisor's healing on real child processes, without the embedded servers around it."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from agentplatform.core.settings import Settings
from agentplatform.runner import Child, RestartPolicy, Supervisor, SupervisorError
from agentplatform.runtime import RuntimeInfo, write_runtime

EXIT_AT_ONCE = [sys.executable, "-c", "import sys; sys.exit(3)"]
RUN_A_WHILE = [sys.executable, "-c", "import time; time.sleep(30)"]


def test_waits_double_while_exits_stay_quick_and_reset_after_a_long_run() -> None:
    policy = RestartPolicy(quick_exit_seconds=10, max_quick_exits=5, first_delay=1, max_delay=5)
    assert [policy.delay_after(0.5) for _ in range(4)] == [1, 2, 4, 5]
    assert policy.delay_after(0.5) is None  # the fifth quick exit in a row: give up
    policy = RestartPolicy(max_quick_exits=3)
    assert policy.delay_after(1) == 1
    assert policy.delay_after(1) == 2
    assert policy.delay_after(3600) == 1  # it had been running for an hour: a fresh crash
    assert policy.quick_exits == 0


def _supervisor(tmp_path: Path, echo: list[str]) -> Supervisor:
    supervisor = Supervisor(Settings(env="test", data_dir=tmp_path), echo=echo.append)
    supervisor._env = {"PATH": "/usr/bin:/bin"}
    supervisor._runtime = RuntimeInfo(pid=0, api_url="http://127.0.0.1:1")
    write_runtime(tmp_path, supervisor._runtime)
    return supervisor


def _child(supervisor: Supervisor, name: str, argv: list[str], policy: RestartPolicy) -> Child:
    child = Child(name, argv, supervisor._spawn(argv), policy=policy)
    supervisor.children.append(child)
    return child


def _tend_until(supervisor: Supervisor, done: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        supervisor._tend_children()
        if callable(done) and done():
            return
        time.sleep(0.02)
    pytest.fail("the supervisor did not get there in time")


def test_a_child_that_dies_is_started_again_and_the_state_is_published(tmp_path: Path) -> None:
    echo: list[str] = []
    supervisor = _supervisor(tmp_path, echo)
    worker = _child(supervisor, "worker", RUN_A_WHILE, RestartPolicy(first_delay=0.3))
    first = worker.process.pid
    try:
        worker.process.kill()
        _tend_until(supervisor, lambda: worker.restart_at is not None)
        published = read_runtime_children(tmp_path)
        assert published["worker"]["running"] is False
        assert published["worker"]["last_exit_code"] == -9

        _tend_until(supervisor, lambda: worker.restarts == 1)
        assert worker.running()
        assert worker.process.pid != first
        assert read_runtime_children(tmp_path)["worker"]["running"] is True
        assert any("worker exited unexpectedly (exit code -9)" in line for line in echo)
        assert any("Restarted the worker (restart 1)" in line for line in echo)
    finally:
        supervisor._stop_children()


def test_a_child_that_keeps_dying_on_start_stops_everything_saying_why(tmp_path: Path) -> None:
    echo: list[str] = []
    supervisor = _supervisor(tmp_path, echo)
    policy = RestartPolicy(max_quick_exits=3, first_delay=0.05)
    _child(supervisor, "worker", EXIT_AT_ONCE, policy)
    with pytest.raises(SupervisorError, match=r"exit code 3\), 3 times in a row within 10s"):
        _tend_until(supervisor, lambda: False)
    assert sum("restarting it in" in line for line in echo) == 2


def read_runtime_children(data_dir: Path) -> dict[str, dict[str, object]]:
    """As the API reads it (pid 0 is no live supervisor, so `read_runtime` would say None)."""
    children: dict[str, dict[str, object]] = json.loads((data_dir / "runtime.json").read_text())[
        "children"
    ]
    return children


def test_stopping_reaches_a_child_waiting_to_restart(tmp_path: Path) -> None:
    echo: list[str] = []
    supervisor = _supervisor(tmp_path, echo)
    waiting = _child(supervisor, "worker", RUN_A_WHILE, RestartPolicy(first_delay=60))
    running = _child(supervisor, "API", RUN_A_WHILE, RestartPolicy())
    waiting.process.kill()
    _tend_until(supervisor, lambda: waiting.restart_at is not None)
    supervisor._stop_children()
    assert running.process.poll() is not None
    assert supervisor.children == []
