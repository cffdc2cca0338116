"""Events: how a lower layer tells higher ones that something happened, without importing them.

A service `emit`s an event on its session; after the commit a job (`dispatch_event`) carries it to
the worker, which calls every handler the domains registered for it (`Domain.handlers`). Handlers
run in the worker, may run more than once (arq retries a failed dispatch), and so must be
idempotent. An event that nobody handles is dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.jobs import enqueue_after_commit

DISPATCH_JOB = "dispatch_event"

#: `(worker ctx, payload)`; the payload is what `emit` was given.
Handler = Callable[[dict[str, Any], Mapping[str, str]], Awaitable[None]]


def emit(session: AsyncSession, event: str, **payload: str) -> None:
    """Sends the event to its handlers once the session commits (nothing if it rolls back)."""
    enqueue_after_commit(session, DISPATCH_JOB, event, payload)
