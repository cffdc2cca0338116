"""What reacts to a kind of webhook event: a small registry, filled by whoever handles a kind.

    async def on_message(ctx: HandlerContext, tenant_id: uuid.UUID, event: AnyEvent) -> Outcome:
        assert isinstance(event, MessageEvent)
        if event.own or not event.incoming:
            return Outcome.ignored("our own or an outgoing message")
        ...  # enqueue the agent's turn on ctx.session (enqueue_after_commit)
        return Outcome.processed()

    register("message.add", on_message)

A handler runs in the worker inside the transaction that also marks the event processed, so
what it writes to the database lands exactly once; anything outside (a Kommo call, a job) it
should send after that commit (`enqueue_after_commit`). It returns an `Outcome`; raising
`PermanentFailure` fails the event with the reason, any other exception retries it with backoff.
A kind nobody registered is marked ignored ("no handler").
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.core.settings import Settings
from agentplatform.kommo.webhooks.events import AnyEvent


@dataclass(frozen=True)
class HandlerContext:
    session: AsyncSession
    settings: Settings
    redis: ArqRedis | None
    maker: async_sessionmaker[AsyncSession]  # for work in its own transaction (a token refresh)


@dataclass(frozen=True)
class Outcome:
    status: Literal["processed", "ignored"]
    detail: str | None = None

    @classmethod
    def processed(cls, detail: str | None = None) -> Outcome:
        return cls("processed", detail)

    @classmethod
    def ignored(cls, detail: str) -> Outcome:
        return cls("ignored", detail)


class PermanentFailure(Exception):
    """The event cannot be handled, now or later; the message says why."""


Handler = Callable[[HandlerContext, uuid.UUID, AnyEvent], Awaitable[Outcome]]

_HANDLERS: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> None:
    """`handler` handles events of `kind` (`lead.status`, `message.add`, ...); one per kind."""
    existing = _HANDLERS.get(kind)
    if existing is not None and existing is not handler:
        raise ValueError(f"{kind} already has a handler ({existing.__qualname__})")
    _HANDLERS[kind] = handler


def unregister(kind: str) -> None:
    _HANDLERS.pop(kind, None)


def handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)
