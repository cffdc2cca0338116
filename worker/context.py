"""What a job receives: arq's `ctx`, and one database session per job, committed once at the end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from agentplatform.core.db import unit_of_work
from sqlalchemy.ext.asyncio import AsyncSession

JobContext = dict[str, Any]
"""arq's per-job dict: `redis` (ArqRedis), `settings`, `sessionmaker`, `job_id`, `job_try`, ..."""


@asynccontextmanager
async def job_session(ctx: JobContext) -> AsyncIterator[AsyncSession]:
    """A fresh session: committed when the block ends, rolled back if it raises; jobs it enqueued
    are sent after the commit."""
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        yield session
