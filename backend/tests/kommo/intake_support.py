"""Shared by the webhook intake tests: a workspace connected to the simulator, and a handler."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.connection.models import AuthKind
from agentplatform.kommo.connection.service import WEBHOOK_PATH, save_connection, webhook_token
from agentplatform.kommo.simulator import KommoSimulator
from agentplatform.kommo.webhooks import dispatch
from agentplatform.kommo.webhooks.dispatch import HandlerContext, Outcome
from agentplatform.kommo.webhooks.events import AnyEvent, MessageEvent
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import Actor, create_owner


@dataclass(frozen=True)
class Connected:
    owner: Actor
    url: str  # where the workspace's webhooks are posted (path only)
    connection_id: uuid.UUID


async def connect_workspace(
    engine: AsyncEngine, settings: Settings, kommo: KommoSimulator, client: KommoClient
) -> Connected:
    """A committed workspace connected to the simulator's account with its long-lived token."""
    account = await client.account()
    async with create_sessionmaker(engine)() as session:
        owner = await create_owner(session)
        connection = await save_connection(
            session,
            settings,
            owner.tenant.id,
            base_url=kommo.base_url,
            account=account,
            auth_kind=AuthKind.long_lived,
            access_token=kommo.token,
        )
        await session.commit()
        url = f"{WEBHOOK_PATH}/{webhook_token(settings, connection)}"
        return Connected(owner=owner, url=url, connection_id=connection.id)


@dataclass
class RecordingHandler:
    """A handler that remembers what it was given (the lead's agent turn would go here)."""

    seen: list[tuple[uuid.UUID, str]] = field(default_factory=list)

    async def __call__(self, ctx: HandlerContext, tenant_id: uuid.UUID, event: AnyEvent) -> Outcome:
        assert isinstance(event, MessageEvent)
        if event.own or not event.incoming:
            return Outcome.ignored("our own or an outgoing message")
        self.seen.append((tenant_id, event.id))
        return Outcome.processed(f"answered {event.id}")


@contextmanager
def handling(kind: str, handler: dispatch.Handler) -> Iterator[None]:
    """`handler` handles `kind` for the block, in place of the domain's own (put back after)."""
    previous = dispatch.handler_for(kind)
    dispatch.unregister(kind)
    dispatch.register(kind, handler)
    try:
        yield
    finally:
        dispatch.unregister(kind)
        if previous is not None:
            dispatch.register(kind, previous)
