"""Invalidation epochs: counters in Redis that committed changes bump, so that the short-lived
caches of every process (e.g. the tenant choke point's grants, `tenancy/grants.py`) notice at once.

A cache stores an entry with the epochs it read *before* loading it from the database; a reader
trusts the entry only while those epochs are unchanged. A change marks its epochs on the session
(`bump_after_commit`) and they are incremented after the commit (`flush_pending_epochs`, called
by `core.db.unit_of_work`), so a reader either loaded the new state or holds an entry whose epoch
has moved. If Redis cannot be read, callers skip their cache; if a bump fails, other processes
can keep an entry until their TTL ends, never longer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from arq import ArqRedis

from agentplatform.core.redis import REDIS_ERRORS

logger = logging.getLogger(__name__)

EPOCH_PREFIX = "agentplatform:epoch:"
_PENDING_KEY = "agentplatform.pending_epochs"


def bump_after_commit(session: Any, *names: str) -> None:
    """Buffer epoch bumps on a session (an AsyncSession or the sync Session of a flush event)."""
    pending: set[str] = session.info.setdefault(_PENDING_KEY, set())
    pending.update(names)


async def flush_pending_epochs(session: Any, redis: ArqRedis | None) -> int:
    """Increment the epochs buffered on `session`; call only after its commit."""
    names: set[str] = session.info.pop(_PENDING_KEY, set())
    if not names or redis is None:
        return 0
    try:
        async with redis.pipeline(transaction=False) as pipe:
            for name in sorted(names):
                pipe.incr(EPOCH_PREFIX + name)
            await pipe.execute()
    except REDIS_ERRORS as exc:
        logger.warning(
            "could not bump cache epochs; other processes may serve cached grants until their "
            "TTL ends",
            extra={"epochs": sorted(names), "error": f"{type(exc).__name__}: {exc}"},
        )
        return 0
    return len(names)


async def read_epochs(redis: ArqRedis, names: Sequence[str]) -> tuple[bytes | None, ...]:
    """The current value of each epoch, in one round trip; raises one of `REDIS_ERRORS`."""
    values = await redis.mget([EPOCH_PREFIX + name for name in names])
    return tuple(values)


def queue_epochs(pipe: Any, names: Sequence[str]) -> None:
    """`read_epochs` as the next command of a pipeline; its result goes to `epochs_from`."""
    pipe.mget([EPOCH_PREFIX + name for name in names])


def epochs_from(result: Any) -> tuple[bytes | None, ...]:
    """The epochs from a pipeline's result for `queue_epochs` (run with raise_on_error=False);
    raises the error that came in their place."""
    if isinstance(result, BaseException):
        raise result
    return tuple(result)
