"""The real arq worker, in-process and in burst mode, against the test Redis and PostgreSQL."""

from __future__ import annotations

import socket
import time

import httpx
import pytest
from agentplatform.core.jobs import enqueue_after_commit
from agentplatform.core.redis import WORKER_HEARTBEAT_KEY
from agentplatform.core.settings import Settings
from agentplatform.core.worker_metrics import serve_metrics
from arq import ArqRedis, Retry, func
from arq.constants import default_queue_name
from arq.jobs import Job, JobStatus
from prometheus_client import REGISTRY
from sqlalchemy import text

from tests.worker_support import run_burst, settings_kwargs
from worker.context import JobContext, job_session
from worker.main import (
    WorkerSettings,
    heartbeat,
    ping,
    redis_settings,
    worker_overrides,
)


def sample(name: str, function: str) -> float:
    return REGISTRY.get_sample_value(name, {"function": function}) or 0.0


def counts(function: str) -> dict[str, float]:
    return {
        "started": sample("jobs_started_total", function),
        "succeeded": sample("jobs_succeeded_total", function),
        "failed": sample("jobs_failed_total", function),
        "retried": sample("jobs_retried_total", function),
        "timed": sample("job_duration_seconds_count", function),
    }


def delta(before: dict[str, float], function: str) -> dict[str, float]:
    after = counts(function)
    return {key: after[key] - before[key] for key in after}


async def flaky(ctx: JobContext) -> str:
    if ctx["job_try"] < 3:
        raise Retry(defer=0.01)
    return f"done on try {ctx['job_try']}"


async def always_retry(ctx: JobContext) -> None:
    raise Retry(defer=0.01)


async def broken(ctx: JobContext) -> None:
    raise ValueError("this job is broken")


async def write_in_session(ctx: JobContext, fail: bool) -> int:
    async with job_session(ctx) as session:
        value = (await session.execute(text("SELECT 41 + 1"))).scalar_one()
        enqueue_after_commit(session, "ping", job_id=f"after-commit-{fail}")
        if fail:
            raise RuntimeError("rolled back")
    return int(value)


async def test_ping_job_runs_and_is_counted(settings: Settings, redis: ArqRedis) -> None:
    before = counts("ping")
    job = await redis.enqueue_job("ping")
    assert job is not None

    await run_burst(settings)

    assert await job.result(timeout=5) == "pong"
    assert delta(before, "ping") == {
        "started": 1,
        "succeeded": 1,
        "failed": 0,
        "retried": 0,
        "timed": 1,
    }


async def test_retried_job_is_counted_per_try(settings: Settings, redis: ArqRedis) -> None:
    before = counts("flaky")
    job = await redis.enqueue_job("flaky")
    assert job is not None

    await run_burst(settings, [func(flaky, name="flaky")])

    assert await job.result(timeout=5) == "done on try 3"
    assert delta(before, "flaky") == {
        "started": 3,
        "succeeded": 1,
        "failed": 0,
        "retried": 2,
        "timed": 3,
    }


async def test_exhausted_retries_count_as_a_failure(settings: Settings, redis: ArqRedis) -> None:
    before = counts("always_retry")
    job = await redis.enqueue_job("always_retry")
    assert job is not None

    await run_burst(settings, [func(always_retry, name="always_retry", max_tries=2)])

    info = await job.result_info()
    assert info is not None
    assert info.success is False
    assert delta(before, "always_retry") == {
        "started": 2,
        "succeeded": 0,
        "failed": 1,
        "retried": 1,
        "timed": 2,
    }


async def test_failing_job_is_counted_once(settings: Settings, redis: ArqRedis) -> None:
    before = counts("broken")
    job = await redis.enqueue_job("broken")
    assert job is not None

    await run_burst(settings, [func(broken, name="broken")])

    with pytest.raises(ValueError, match="this job is broken"):
        await job.result(timeout=5)
    assert delta(before, "broken") == {
        "started": 1,
        "succeeded": 0,
        "failed": 1,
        "retried": 0,
        "timed": 1,
    }


async def test_startup_writes_the_heartbeat_and_queue_depth(
    settings: Settings, redis: ArqRedis
) -> None:
    await redis.enqueue_job("ping")

    ctx = await run_burst(settings)

    beat = await redis.get(WORKER_HEARTBEAT_KEY)
    assert beat is not None
    assert abs(time.time() - float(beat)) < 30
    ttl = await redis.ttl(WORKER_HEARTBEAT_KEY)
    assert 0 < ttl <= settings.worker_heartbeat_stale_seconds
    assert REGISTRY.get_sample_value("queue_depth", {"queue": default_queue_name}) is not None
    # Shutdown released what startup opened.
    assert "engine" not in ctx
    assert "heartbeat_task" not in ctx


async def test_heartbeat_job_refreshes_the_key(settings: Settings, redis: ArqRedis) -> None:
    await redis.set(WORKER_HEARTBEAT_KEY, "0")
    for _ in range(2):
        await redis.enqueue_job("ping")

    await heartbeat({"settings": settings, "redis": redis})

    assert float(await redis.get(WORKER_HEARTBEAT_KEY) or 0) > time.time() - 30
    assert 0 < await redis.ttl(WORKER_HEARTBEAT_KEY) <= settings.worker_heartbeat_stale_seconds
    assert REGISTRY.get_sample_value("queue_depth", {"queue": default_queue_name}) == 2


async def test_job_session_commits_then_sends_pending_jobs(
    settings: Settings, redis: ArqRedis
) -> None:
    before = counts("ping")
    ok = await redis.enqueue_job("write_in_session", False)
    failed = await redis.enqueue_job("write_in_session", True)
    assert ok is not None
    assert failed is not None

    await run_burst(settings, [func(write_in_session, name="write_in_session")])

    assert await ok.result(timeout=5) == 42
    with pytest.raises(RuntimeError, match="rolled back"):
        await failed.result(timeout=5)
    # The committed job's follow-up was enqueued and run; the rolled-back one sent nothing.
    assert await Job("after-commit-False", redis).result(timeout=5) == "pong"
    assert await Job("after-commit-True", redis).status() == JobStatus.not_found
    assert delta(before, "ping")["succeeded"] == 1


async def test_ping_is_a_plain_coroutine() -> None:
    assert await ping({}) == "pong"


def test_worker_settings() -> None:
    names = {func(f).name for f in WorkerSettings.functions}
    assert "ping" in names
    assert {"index_next_document", "reembed_knowledge"} <= names
    assert {job.name for job in WorkerSettings.cron_jobs} >= {
        "sweep_stale_work",
        "recheck_knowledge",
        "tend_knowledge_graph",
        "sweep_stored_files",
    }
    assert WorkerSettings.retry_jobs is True
    assert WorkerSettings.max_tries == 5
    assert set(settings_kwargs()) >= {
        "functions",
        "cron_jobs",
        "redis_settings",
        "on_startup",
        "on_shutdown",
        "on_job_start",
        "on_job_end",
        "after_job_end",
        "max_jobs",
        "job_timeout",
        "retry_jobs",
        "max_tries",
    }


def test_redis_settings_accept_unix_sockets_and_urls() -> None:
    unix = redis_settings(Settings(redis_url="unix:///tmp/agentplatform/redis.sock"))
    assert unix.unix_socket_path == "/tmp/agentplatform/redis.sock"
    tcp = redis_settings(Settings(redis_url="redis://:pw@redis.internal:6380/2"))
    assert (tcp.host, tcp.port, tcp.database, tcp.password) == ("redis.internal", 6380, 2, "pw")


def test_overrides_follow_the_settings_given_at_run_time() -> None:
    settings = Settings(redis_url="redis://redis.internal:6379/0", worker_max_jobs=3)
    overrides = worker_overrides(settings)
    assert overrides["max_jobs"] == 3
    assert overrides["redis_settings"].host == "redis.internal"
    assert overrides["ctx"]["settings"] is settings


def test_metrics_server_serves_and_stops() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert serve_metrics(0) is None

    stop = serve_metrics(port, addr="127.0.0.1")
    assert stop is not None
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    finally:
        stop()

    assert response.status_code == 200
    assert "jobs_started_total" in response.text
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=1)
