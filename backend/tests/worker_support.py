"""Running the real arq worker (built from WorkerSettings) in-process, in burst mode."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from agentplatform.core.redis import create_redis
from agentplatform.core.settings import Settings
from arq.worker import Function, Worker, get_kwargs

from worker.context import JobContext
from worker.main import WorkerSettings, function_max_tries, worker_overrides


def settings_kwargs() -> dict[str, Any]:
    return get_kwargs(WorkerSettings)  # type: ignore[arg-type]


async def run_burst(
    settings: Settings, extra: Sequence[Function] = (), **overrides: Any
) -> JobContext:
    """Run a worker built from WorkerSettings until the queue is empty; return its ctx."""
    functions = [*WorkerSettings.functions, *extra]
    kwargs: dict[str, Any] = {**settings_kwargs(), **worker_overrides(settings)}
    kwargs["ctx"]["function_max_tries"] = function_max_tries(functions, WorkerSettings.cron_jobs)
    worker = Worker(
        **{
            **kwargs,
            "functions": functions,
            "redis_pool": create_redis(settings.redis_url or ""),
            "burst": True,
            "handle_signals": False,
            "poll_delay": 0.01,
            **overrides,
        }
    )
    try:
        await asyncio.wait_for(worker.main(), timeout=120)
    finally:
        await worker.close()
    return worker.ctx
