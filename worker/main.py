"""The arq worker: its settings, lifecycle hooks, heartbeat and metrics.

Job functions here stay thin: they open a session with `job_session(ctx)` and call domain services
(each domain's `tasks.py`). Run it with `agentplatform worker` (see `run_worker`) or with arq's own
CLI, `arq worker.main.WorkerSettings`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from typing import Any, ClassVar

from agentplatform.core import events, work
from agentplatform.core.db import create_engine, create_sessionmaker, unit_of_work
from agentplatform.core.logging import configure_logging
from agentplatform.core.observability import init_sentry
from agentplatform.core.redis import WORKER_HEARTBEAT_KEY
from agentplatform.core.settings import Settings, get_settings
from agentplatform.core.worker_metrics import (
    JOB_DURATION,
    JOBS_STARTED,
    UNKNOWN_FUNCTION,
    job_function_name,
    job_outcome,
    record_outcome,
    record_queue_depth,
    serve_metrics,
)
from agentplatform.domains import DOMAINS
from arq import ArqRedis, cron, func
from arq.connections import RedisSettings
from arq.cron import CronJob
from arq.typing import StartupShutdown, WorkerCoroutine
from arq.worker import Function
from arq.worker import run_worker as arq_run_worker

from worker.context import JobContext
from worker.memory import release_free_memory

logger = logging.getLogger("agentplatform.worker")

MAX_TRIES = 5
JOB_TIMEOUT_SECONDS = 600  # per-function `timeout=` for anything that may legitimately run longer
KEEP_RESULT_SECONDS = 3600
# Keys this module keeps in arq's per-job ctx between hooks.
_FUNCTION = "metrics_function"
_STARTED = "metrics_started"


# --- jobs -----------------------------------------------------------------------------------


async def ping(ctx: JobContext) -> str:
    """A no-op job: proves that a worker is consuming the queue."""
    return "pong"


async def heartbeat(ctx: JobContext) -> None:
    """Tell the API and `verify-env` that a worker is alive; sample the queue depth."""
    settings: Settings = ctx["settings"]
    redis: ArqRedis = ctx["redis"]
    await redis.set(
        WORKER_HEARTBEAT_KEY, str(time.time()), ex=settings.worker_heartbeat_stale_seconds
    )
    await record_queue_depth(redis)


async def sweep_stale_work(ctx: JobContext) -> int:
    """Every domain's work rows whose job died or was lost (see `core.work`)."""
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        return await work.sweep(session, ctx["settings"], WORK_KINDS)


WORK_KINDS = tuple(kind for domain in DOMAINS for kind in domain.work_kinds)
HANDLERS = tuple(handler for domain in DOMAINS for handler in domain.handlers)


async def dispatch_event(ctx: JobContext, event: str, payload: dict[str, str]) -> int:
    """Runs every domain's handlers of the event (see `core.events`); how many ran."""
    handlers = [handler for name, handler in HANDLERS if name == event]
    for handler in handlers:
        await handler(ctx, payload)
    return len(handlers)


async def _heartbeat_loop(ctx: JobContext, every: float) -> None:
    """Runs outside the queue: a worker whose job slots are all busy with long jobs is still
    alive, and `/readyz` must not call it dead because a queued heartbeat waits for a slot.
    """
    while True:
        await asyncio.sleep(every)
        try:
            await heartbeat(ctx)
        except Exception as exc:
            logger.warning("heartbeat failed", extra={"error": f"{type(exc).__name__}: {exc}"})


# --- lifecycle --------------------------------------------------------------------------------


async def startup(ctx: JobContext) -> None:
    settings: Settings = ctx.setdefault("settings", get_settings())
    configure_logging(settings, component="worker")
    init_sentry(settings, "worker")
    engine = create_engine(settings)
    ctx["engine"] = engine
    ctx["sessionmaker"] = create_sessionmaker(engine)
    ctx["stop_metrics"] = serve_metrics(settings.worker_metrics_port, addr=settings.host)
    await heartbeat(ctx)
    ctx["heartbeat_task"] = asyncio.create_task(
        _heartbeat_loop(ctx, settings.worker_heartbeat_seconds), name="worker-heartbeat"
    )
    logger.info("worker started")


async def shutdown(ctx: JobContext) -> None:
    task: asyncio.Task[None] | None = ctx.pop("heartbeat_task", None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    stop_metrics = ctx.pop("stop_metrics", None)
    if stop_metrics is not None:
        stop_metrics()
    engine = ctx.pop("engine", None)
    if engine is not None:
        await engine.dispose()
    logger.info("worker stopped")


# --- job metrics hooks (they must never make a job fail) ---------------------------------------


async def on_job_start(ctx: JobContext) -> None:
    ctx[_STARTED] = time.perf_counter()
    try:
        ctx[_FUNCTION] = await job_function_name(ctx["redis"], ctx["job_id"])
    except Exception:
        ctx[_FUNCTION] = UNKNOWN_FUNCTION
    JOBS_STARTED.labels(ctx[_FUNCTION]).inc()


async def on_job_end(ctx: JobContext) -> None:
    started = ctx.get(_STARTED)
    if started is not None:
        JOB_DURATION.labels(ctx.get(_FUNCTION, UNKNOWN_FUNCTION)).observe(
            time.perf_counter() - started
        )


async def after_job_end(ctx: JobContext) -> None:
    # What the job freed goes back to the system now, not when the worker stops (see `memory`).
    release_free_memory()
    function = ctx.get(_FUNCTION, UNKNOWN_FUNCTION)
    try:
        outcome = await job_outcome(ctx["redis"], ctx["job_id"])
    except Exception:
        logger.warning("could not read the outcome of job %s", ctx["job_id"], exc_info=True)
        return
    if outcome == "retry" and ctx["job_try"] >= _max_tries(ctx, function):
        # arq will pick it up once more only to fail it ("max tries exceeded") without running it
        # or calling these hooks, so this is where it fails for good.
        outcome = "failed"
    record_outcome(function, outcome)


def function_max_tries(
    functions: Sequence[Function | WorkerCoroutine], cron_jobs: Sequence[CronJob] = ()
) -> dict[str, int]:
    """Per-function `max_tries` overrides, by job name, for the retry-exhausted check."""
    out: dict[str, int] = {}
    jobs: list[Function | CronJob] = [*(func(f) for f in functions), *cron_jobs]
    for job in jobs:
        if job.max_tries is not None:
            out[job.name] = job.max_tries
    return out


def _max_tries(ctx: JobContext, function: str) -> int:
    overrides: dict[str, int] | None = ctx.get("function_max_tries")
    if overrides is None:
        overrides = function_max_tries(WorkerSettings.functions, WorkerSettings.cron_jobs)
        ctx["function_max_tries"] = overrides
    return overrides.get(function, int(ctx.get("max_tries", WorkerSettings.max_tries)))


# --- settings ---------------------------------------------------------------------------------


def redis_settings(settings: Settings) -> RedisSettings:
    """`redis://`, `rediss://` or `unix:///path/redis.sock`."""
    if not settings.redis_url:
        return RedisSettings()
    return RedisSettings.from_dsn(settings.redis_url)


def cron_jobs(settings: Settings) -> list[CronJob]:
    """The work sweep and every domain's periodic jobs.

    The heartbeat is not one of them: it runs as a task beside the job slots (see `startup`),
    so a worker whose slots are all busy still reports itself alive.
    """
    sweep = cron(
        sweep_stale_work,
        name="sweep_stale_work",
        second=set(range(0, 60, settings.work_sweep_seconds)),
        unique=True,
        timeout=120,
    )
    return [sweep, *(job for domain in DOMAINS for job in domain.cron_jobs)]


_settings = get_settings()


class WorkerSettings:
    """Read by arq (`arq worker.main.WorkerSettings`) and by `run_worker`."""

    functions: ClassVar[list[Function | WorkerCoroutine]] = [
        func(ping, name="ping"),
        func(dispatch_event, name=events.DISPATCH_JOB),
        *(function for domain in DOMAINS for function in domain.functions),
    ]
    cron_jobs: ClassVar[list[CronJob]] = cron_jobs(_settings)
    redis_settings: ClassVar[RedisSettings] = redis_settings(_settings)
    on_startup: ClassVar[StartupShutdown] = startup
    on_shutdown: ClassVar[StartupShutdown] = shutdown
    on_job_start: ClassVar[StartupShutdown] = on_job_start
    on_job_end: ClassVar[StartupShutdown] = on_job_end
    after_job_end: ClassVar[StartupShutdown] = after_job_end
    max_jobs: ClassVar[int] = _settings.worker_max_jobs
    job_timeout: ClassVar[int] = JOB_TIMEOUT_SECONDS
    keep_result: ClassVar[int] = KEEP_RESULT_SECONDS
    retry_jobs: ClassVar[bool] = True
    max_tries: ClassVar[int] = MAX_TRIES
    health_check_interval: ClassVar[int] = 60


def worker_overrides(settings: Settings) -> dict[str, Any]:
    """What `run_worker` passes on top of `WorkerSettings`: settings read now, not at import."""
    crons = cron_jobs(settings)
    return {
        "redis_settings": redis_settings(settings),
        "max_jobs": settings.worker_max_jobs,
        "cron_jobs": crons,
        "ctx": {
            "settings": settings,
            "max_tries": WorkerSettings.max_tries,
            "function_max_tries": function_max_tries(WorkerSettings.functions, crons),
        },
    }


def run_worker(settings: Settings | None = None) -> None:
    """Run the worker in this process until SIGINT/SIGTERM (the CLI's `agentplatform worker`)."""
    settings = settings or get_settings()
    if not settings.redis_url or not settings.database_url:
        raise RuntimeError(
            "DATABASE_URL and REDIS_URL are required; `agentplatform run` starts embedded ones"
        )
    # Before the worker is created, so that Sentry's arq integration wraps the job functions.
    init_sentry(settings, "worker")
    arq_run_worker(WorkerSettings, **worker_overrides(settings))  # type: ignore[arg-type]
