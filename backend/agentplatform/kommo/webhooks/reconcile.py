"""Reconciling with Kommo's events log: the webhooks Kommo never delivered, found and stored.

Kommo's webhooks are not a complete log (hooks that never arrive, status hooks lost when a lead
moves twice within a second). Every few minutes the worker reads each connected account's
`GET /api/v4/events` since the last event it saw (minus an overlap, for events logged late),
turns the kinds we act on into the same typed events a webhook would carry, with the same dedup
keys, and stores them through the same unique constraint: what a webhook already brought is not
stored again, and what the log brings is not processed again when its webhook comes late.

The keys agree because Kommo stamps both with the same second: a lead's `last_modified` in the
hook is the `created_at` of its log entry; a message's id is the same in both. The payload of a
reconciled event is what the log knows (ids, stages, the message id), less than a hook's:
handlers that need more re-read the entity (as they should for any hook). Rows it stores have
`deliveries = 0`: found, not delivered.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from arq import ArqRedis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.client.models import Event as KommoEvent
from agentplatform.kommo.connection.models import ConnectionStatus, KommoConnection
from agentplatform.kommo.connection.service import open_client
from agentplatform.kommo.webhooks.events import AnyEvent, ContactEvent, LeadEvent, MessageEvent
from agentplatform.kommo.webhooks.intake import identity_of, queue_after_commit, store_events
from agentplatform.kommo.webhooks.parsing import Identity, is_own

logger = logging.getLogger(__name__)

TYPES = (
    "lead_added",
    "lead_status_changed",
    "entity_responsible_changed",
    "contact_added",
    "company_added",
    "incoming_chat_message",
)
FIRST_LOOKBACK_SECONDS = 3600  # a new connection's first pass reads the last hour
OVERLAP_SECONDS = 300  # entries Kommo logs a little late are still read


def _first(values: list[dict[str, Any]], key: str) -> dict[str, Any]:
    for value in values:
        found = value.get(key)
        if isinstance(found, dict):
            return found
    return {}


def as_webhook_event(entry: KommoEvent, account_id: int) -> AnyEvent | None:
    """The webhook event a log entry stands for (None for kinds we do not reconcile)."""
    common: dict[str, Any] = {"account_id": account_id}
    if entry.type == "incoming_chat_message":
        message = _first(entry.value_after, "message")
        if not message.get("id"):
            return None
        return MessageEvent(
            **common,
            kind="message.add",
            id=str(message["id"]),
            talk_id=message.get("talk_id"),
            origin=message.get("origin"),
            type="incoming",
            entity_type=entry.entity_type,
            entity_id=entry.entity_id,
            created_at=entry.created_at,
        )
    if entry.entity_id is None:
        return None
    record = {**common, "id": entry.entity_id, "last_modified": entry.created_at}
    if entry.type == "lead_status_changed":
        after, before = (_first(v, "lead_status") for v in (entry.value_after, entry.value_before))
        return LeadEvent(
            **record,
            kind="lead.status",
            status_id=after.get("id"),
            pipeline_id=after.get("pipeline_id"),
            old_status_id=before.get("id"),
            old_pipeline_id=before.get("pipeline_id"),
            modified_user_id=entry.created_by,
        )
    if entry.type == "lead_added":
        return LeadEvent(**record, kind="lead.add", created_user_id=entry.created_by)
    if entry.type == "entity_responsible_changed" and entry.entity_type == "lead":
        responsible = _first(entry.value_after, "responsible_user")
        return LeadEvent(
            **record,
            kind="lead.responsible",
            responsible_user_id=responsible.get("id"),
            modified_user_id=entry.created_by,
        )
    if entry.type in ("contact_added", "company_added"):
        kind = entry.type.removesuffix("_added")
        return ContactEvent(
            **record, kind=f"{kind}.add", type=kind, created_user_id=entry.created_by
        )
    return None


async def _read_log(
    client: KommoClient, connection: KommoConnection, since: int
) -> tuple[list[AnyEvent], int]:
    """The log's events since `since` as webhook events, and the newest `created_at` seen."""
    newest = since
    events: list[AnyEvent] = []
    async for entry in client.iter_events(types=TYPES, since=since):
        newest = max(newest, entry.created_at)
        event = as_webhook_event(entry, connection.account_id)
        if event is not None:
            events.append(event)
    return events, newest


async def _learn_identity(client: KommoClient, connection: KommoConnection) -> str | None:
    """The Chats API id of the user our token acts as (our messages' author)."""
    if connection.user_id is None or connection.user_amojo_id is not None:
        return connection.user_amojo_id
    for user in await client.list_users():
        if user.id == connection.user_id:
            return user.amojo_id
    return None


def _mark_own(events: list[AnyEvent], identity: Identity) -> list[AnyEvent]:
    return [e.model_copy(update={"own": True}) if is_own(e, identity) else e for e in events]


async def reconcile_connection(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    redis: ArqRedis,
    connection_id: uuid.UUID,
) -> int:
    """Stores the events of one account that no webhook brought; how many."""
    async with unit_of_work(maker, None) as session:
        connection = await session.get(KommoConnection, connection_id)
        if connection is None or connection.status is not ConnectionStatus.connected:
            return 0
        session.expunge(connection)
    now = int(utcnow().timestamp())
    since = (
        connection.events_cursor - OVERLAP_SECONDS
        if connection.events_cursor is not None
        else now - FIRST_LOOKBACK_SECONDS
    )
    client = open_client(connection, settings, redis, maker)
    try:
        amojo_id = await _learn_identity(client, connection)
        events, newest = await _read_log(client, connection, since)
    finally:
        await client.aclose()
    connection.user_amojo_id = amojo_id
    events = _mark_own(events, identity_of(connection))
    async with unit_of_work(maker, redis) as session:
        stored = await store_events(session, connection, events, count_repeats=False)
        queue_after_commit(session, stored.new)
        row = await session.get(KommoConnection, connection_id, with_for_update=True)
        if row is not None:
            row.events_cursor = max(newest, row.events_cursor or 0)
            row.user_amojo_id = amojo_id
    if stored.new:
        logger.info(
            "reconciliation stored events no webhook brought",
            extra={"tenant_id": str(connection.tenant_id), "events": len(stored.new)},
        )
    return len(stored.new)


async def reconcile_all(
    maker: async_sessionmaker[AsyncSession], settings: Settings, redis: ArqRedis
) -> int:
    """Every connected account in turn; one account's failure does not stop the others."""
    async with unit_of_work(maker, None) as session:
        ids = list(
            await session.scalars(
                select(KommoConnection.id).where(
                    KommoConnection.status == ConnectionStatus.connected
                )
            )
        )
    total = 0
    for connection_id in ids:
        try:
            total += await reconcile_connection(maker, settings, redis, connection_id)
        except Exception:
            logger.warning(
                "reconciling a Kommo account failed",
                extra={"connection_id": str(connection_id)},
                exc_info=True,
            )
    return total
