"""Running the real arq worker (built from WorkerSettings) in-process, in burst mode."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from agentplatform.core.redis import create_redis
from agentplatform.core.settings import Settings
from arq.worker import Function, Worker, get_kwargs
from httpx import AsyncClient

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


async def indexed_text_documents(
    client: AsyncClient, base: str, settings: Settings, documents: dict[str, str]
) -> dict[str, str]:
    """Adds text documents through the API and indexes them with the real worker: title -> id."""
    ids = {}
    for title, text in documents.items():
        created = await client.post(
            f"{base}/knowledge/documents/text", json={"title": title, "text": text}
        )
        assert created.status_code == 201, created.text
        ids[title] = str(created.json()["id"])
    await run_burst(settings)
    return ids
