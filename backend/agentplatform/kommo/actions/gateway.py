"""`KommoGateway`: the chat domain's `CrmGateway` on the workspace's Kommo connection.

An action reads the lead (and the account's names when it needs them), is planned as the one
request that carries it out (`plans`), and is sent once per idempotency key (`ledger`). A dry run
(a test conversation) reads but writes nothing, and answers with the request it would send.
Whatever Kommo answers, the agent gets an `ActionResult`: Kommo's errors are a `failed` outcome
with a sentence, never an exception in the turn.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from agentplatform.chat.crm import ActionResult, CrmAction, CrmEnv, Outcome, describe
from agentplatform.core.redis import create_redis
from agentplatform.core.settings import Settings
from agentplatform.kommo.actions import ledger, plans
from agentplatform.kommo.actions.directory import directory
from agentplatform.kommo.actions.facts import facts_of
from agentplatform.kommo.actions.models import ActionOutcome
from agentplatform.kommo.client import KommoClient, KommoError, KommoNotFound
from agentplatform.kommo.client.models import Lead
from agentplatform.kommo.connection.models import ConnectionStatus, KommoConnection
from agentplatform.kommo.connection.service import find_connection, open_client

logger = logging.getLogger(__name__)


def sessions(session: AsyncSession, env: CrmEnv) -> async_sessionmaker[AsyncSession]:
    """The process's sessionmaker, or one on the session's engine (for a token refresh)."""
    if env.maker is not None:
        return env.maker
    bind = session.bind
    assert isinstance(bind, AsyncEngine | AsyncConnection), "a session bound to a database"
    return async_sessionmaker(bind, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def kommo_client(
    connection: KommoConnection,
    settings: Settings,
    redis: Redis | None,
    maker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[tuple[KommoClient, Redis]]:
    """A client on the account; on the process's Redis, or a short-lived one when it has none."""
    own = redis is None
    if redis is None and not settings.redis_url:
        raise RuntimeError("Kommo's client needs Redis (the account's shared rate limit)")
    shared = create_redis(settings.redis_url or "") if redis is None else redis
    try:
        async with open_client(connection, settings, shared, maker) as client:
            assert isinstance(client, KommoClient)
            yield client, shared
    finally:
        if own:
            await shared.aclose()


async def _lead(client: KommoClient, lead_id: int) -> Lead | None:
    try:
        return await client.get_lead(lead_id, with_=())
    except KommoNotFound:
        return None


def lead_number(lead_id: str | None) -> int | None:
    return int(lead_id) if lead_id is not None and lead_id.strip().isdigit() else None


class KommoGateway:
    async def connected(self, session: AsyncSession, tenant_id: uuid.UUID) -> bool:
        connection = await find_connection(session, tenant_id)
        return connection is not None and connection.status is ConnectionStatus.connected

    async def run(
        self,
        session: AsyncSession,
        tenant_id: uuid.UUID,
        action: CrmAction,
        *,
        dry_run: bool,
        env: CrmEnv,
    ) -> ActionResult:
        def result(outcome: Outcome, detail: str, request: dict[str, Any]) -> ActionResult:
            logger.info(
                "kommo action",
                extra={
                    "tenant_id": str(tenant_id),
                    "kind": action.kind,
                    "lead_id": action.lead_id,
                    "outcome": outcome,
                },
            )
            return ActionResult(action.kind, action.arguments, outcome, detail, request)

        lead_id = lead_number(action.lead_id)
        if lead_id is None:
            if dry_run:
                detail = "Test conversation without a Kommo lead: recorded, nothing sent"
                return result("dry_run", detail, describe(action))
            return result("failed", "This conversation has no Kommo lead", describe(action))
        connection = await find_connection(session, tenant_id)
        if connection is None or connection.status is not ConnectionStatus.connected:
            detail = "Kommo is not connected (or must be reconnected): nothing sent"
            return result("not_connected", detail, describe(action))
        key = action.key or f"once:{uuid.uuid4()}"
        if not dry_run:
            before = await ledger.done_before(session, tenant_id, key)
            if before is not None:
                return result("done", f"Already done: {before.detail}", before.request)
        try:
            maker = sessions(session, env)
            async with kommo_client(connection, env.settings, env.redis, maker) as (client, redis):
                lead = await _lead(client, lead_id)
                if lead is None:
                    return result("failed", f"Lead {lead_id} was not found in Kommo", {})
                try:
                    planned = await self._plan(client, redis, connection, lead, action)
                except plans.Refused as refused:
                    return result("failed", str(refused), {})
                if planned is None:
                    return result("done", "Nothing to change: the lead has that already", {})
                request = planned.as_record()
                if dry_run:
                    return result("dry_run", "Test conversation: nothing sent to Kommo", request)
                row, done = await ledger.claim(
                    session, tenant_id, key=key, kind=action.kind, lead_id=lead_id, request=request
                )
                if done:
                    return result("done", f"Already done: {row.detail}", row.request)
                try:
                    answer = await client.request(planned.method, planned.path, json=planned.json)
                except KommoError as exc:
                    detail = ledger.kommo_failure(exc)
                    await ledger.finish(session, row, ActionOutcome.failed, detail, exc.detail)
                    return result("failed", detail, request)
                detail = planned.done
                await ledger.finish(session, row, ActionOutcome.done, detail, answer)
                return result("done", detail, request)
        except KommoError as exc:  # reading the lead or the names
            return result("failed", ledger.kommo_failure(exc), {})

    async def _plan(
        self,
        client: KommoClient,
        redis: Redis,
        connection: KommoConnection,
        lead: Lead,
        action: CrmAction,
    ) -> plans.KommoRequest | None:
        args = action.arguments
        match action.kind:
            case "move_stage":
                names = await directory(client, redis, connection.account_id)
                return plans.move_stage(lead, names, str(args["stage"]))
            case "update_field":
                names = await directory(client, redis, connection.account_id)
                return plans.update_field(lead, names, str(args["field"]), str(args["value"]))
            case "add_note":
                return plans.add_note(lead, str(args["text"]))
            case "create_task":
                return plans.create_task(
                    lead,
                    str(args["text"]),
                    due_in_hours=int(args.get("due_in_hours", 24)),
                    due_at=args.get("due_at"),
                )
            case "add_tags":
                return plans.add_tags(lead, [str(tag) for tag in args["tags"]])
        raise plans.Refused(f"The action {action.kind} is not one Kommo carries out here")

    async def lead_facts(
        self, session: AsyncSession, tenant_id: uuid.UUID, lead_id: str, *, env: CrmEnv
    ) -> list[str]:
        number = lead_number(lead_id)
        connection = await find_connection(session, tenant_id)
        if number is None or connection is None:
            return []
        try:
            maker = sessions(session, env)
            async with kommo_client(connection, env.settings, env.redis, maker) as (client, redis):
                reply_field = connection.reply_field_id
                hidden = frozenset() if reply_field is None else frozenset({reply_field})
                return await facts_of(client, redis, connection.account_id, number, hidden=hidden)
        except KommoError as exc:
            logger.warning(
                "the lead's facts could not be read from Kommo",
                extra={"tenant_id": str(tenant_id), "lead_id": lead_id, "error": exc.title},
            )
            return []


GATEWAY = KommoGateway()
