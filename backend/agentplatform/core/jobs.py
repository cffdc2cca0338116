"""Jobs for the arq worker, sent only after the transaction that asked for them has committed.

A rolled-back request sends nothing, and a job never looks for a row that was not committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession

_PENDING_KEY = "agentplatform.pending_jobs"


@dataclass(frozen=True)
class PendingJob:
    function: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    job_id: str | None = None
    defer_by: timedelta | None = None


def enqueue_after_commit(
    session: AsyncSession,
    function: str,
    *args: Any,
    job_id: str | None = None,
    defer_by: timedelta | None = None,
    **kwargs: Any,
) -> None:
    """Buffer a job on the session; `job_id` makes a duplicate request a no-op in arq."""
    pending: list[PendingJob] = session.info.setdefault(_PENDING_KEY, [])
    pending.append(PendingJob(function, args, kwargs, job_id, defer_by))


def pending_jobs(session: AsyncSession) -> list[PendingJob]:
    return list(session.info.get(_PENDING_KEY, []))


async def flush_pending_jobs(session: AsyncSession, pool: ArqRedis | None) -> int:
    jobs: list[PendingJob] = session.info.pop(_PENDING_KEY, [])
    if not jobs:
        return 0
    if pool is None:
        raise RuntimeError("jobs were enqueued but no arq pool is configured")
    for job in jobs:
        await pool.enqueue_job(
            job.function, *job.args, _job_id=job.job_id, _defer_by=job.defer_by, **job.kwargs
        )
    return len(jobs)
