"""What a job receives: arq's `ctx`, and one database session per job, committed once at the end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from agentplatform.core.jobs import flush_pending_jobs
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

JobContext = dict[str, Any]
"""arq's per-job dict: `redis` (ArqRedis), `settings`, `sessionmaker`, `job_id`, `job_try`, ..."""


@asynccontextmanager
async def job_session(ctx: JobContext) -> AsyncIterator[AsyncSession]:
    """A fresh session: committed when the block ends, rolled back if it raises.

    Jobs the block enqueued with `enqueue_after_commit` are sent only after the commit.
    """
    maker: async_sessionmaker[AsyncSession] = ctx["sessionmaker"]
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        await flush_pending_jobs(session, ctx["redis"])
