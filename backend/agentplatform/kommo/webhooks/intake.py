"""Storing what Kommo delivers: one statement per delivery, before the 200.

`store_events` inserts a body's events with `INSERT ... ON CONFLICT (tenant_id, dedup_key) DO
UPDATE SET deliveries = deliveries + 1`: PostgreSQL's unique constraint is what makes an event
stored once however often Kommo sends it, and a repeat is visible as its `deliveries` count. Only
newly stored events get a job. `send_jobs` sends them after the commit with the short Redis
budget: if Redis does not answer, the rows wait as `received` and the work sweep sends their
jobs later (`core.work`), so nothing is lost and Kommo still gets its answer in time.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from arq import ArqRedis
from sqlalchemy import Table, literal_column
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.db import utcnow
from agentplatform.core.jobs import enqueue_after_commit
from agentplatform.core.redis import REDIS_ERRORS
from agentplatform.kommo.connection.models import KommoConnection
from agentplatform.kommo.webhooks.events import Event, UnhandledEvent, dump_event
from agentplatform.kommo.webhooks.models import KommoWebhookEvent, WebhookEventStatus
from agentplatform.kommo.webhooks.parsing import Identity

logger = logging.getLogger(__name__)

PROCESS_JOB = "process_kommo_webhook_event"
NOT_HANDLED = "Nothing here handles this kind of event"


def identity_of(connection: KommoConnection) -> Identity:
    return Identity(
        user_ids=frozenset({connection.user_id}) if connection.user_id else frozenset(),
        amojo_ids=frozenset({connection.user_amojo_id})
        if connection.user_amojo_id
        else frozenset(),
    )


def _bounded(text: str, limit: int) -> str:
    """Keys and names come from outside: a long one is cut (a long key becomes its digest)."""
    if len(text) <= limit:
        return text
    return text[: limit - 33] + ":" + hashlib.sha256(text.encode()).hexdigest()[:32]


class Owner(Protocol):
    """The connection events are stored for (the row, or a `targets.HookTarget` of it)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def tenant_id(self) -> uuid.UUID: ...
    @property
    def account_id(self) -> int: ...


@dataclass(frozen=True)
class Stored:
    new: list[uuid.UUID]  # stored now, waiting for their job
    repeated: int  # already stored (a retry or a duplicate delivery)
    ignored: int  # stored as ignored (a kind nothing handles)


def _row(connection: Owner, event: Event, deliveries: int) -> dict[str, Any]:
    entity_type, entity_id = event.subject
    unhandled = isinstance(event, UnhandledEvent)
    return {
        "id": uuid.uuid4(),
        "tenant_id": connection.tenant_id,
        "connection_id": connection.id,
        "account_id": connection.account_id,
        "kind": _bounded(event.kind, 64),
        "entity_type": _bounded(entity_type, 32),
        "entity_id": _bounded(entity_id, 64),
        "dedup_key": _bounded(event.dedup_key, 255),
        "own": event.own,
        "status": WebhookEventStatus.ignored if unhandled else WebhookEventStatus.received,
        "detail": NOT_HANDLED if unhandled else None,
        "processed_at": utcnow() if unhandled else None,
        "payload": dump_event(event),
        "deliveries": deliveries,
    }


_TABLE = cast(Table, KommoWebhookEvent.__table__)
_KEYS = [_TABLE.c.tenant_id, _TABLE.c.dedup_key]
# The rows a statement created (not ones it updated): PostgreSQL's xmax is 0 for those.
_RETURNING = (
    _TABLE.c.id,
    _TABLE.c.status,
    (literal_column("xmax") == literal_column("0")).label("inserted"),
)
_COUNTING_INSERT = (
    insert(_TABLE)
    .on_conflict_do_update(index_elements=_KEYS, set_={"deliveries": _TABLE.c.deliveries + 1})
    .returning(*_RETURNING)
)
_QUIET_INSERT = insert(_TABLE).on_conflict_do_nothing(index_elements=_KEYS).returning(*_RETURNING)


async def store_events(
    session: AsyncSession,
    connection: Owner,
    events: Sequence[Event],
    *,
    count_repeats: bool = True,
) -> Stored:
    """Stores the events not stored yet (a repeat counts one more delivery, unless
    `count_repeats` is off: the reconciliation found it, Kommo did not send it; its new rows
    have no delivery)."""
    rows: dict[str, dict[str, Any]] = {}
    for event in events:  # one statement may not touch a row twice
        row = _row(connection, event, 1 if count_repeats else 0)
        rows.setdefault(row["dedup_key"], row)
    if not rows:
        return Stored([], 0, 0)
    stmt = _COUNTING_INSERT if count_repeats else _QUIET_INSERT
    # executemany with RETURNING: one statement compiled once (and cached), rows batched.
    result = await session.execute(stmt, list(rows.values()))
    new, repeated, ignored = [], 0, 0
    for row_id, status, was_inserted in result.all():
        if not was_inserted:
            repeated += 1
        elif status == WebhookEventStatus.received.value or status is WebhookEventStatus.received:
            new.append(row_id)
        else:
            ignored += 1
    if not count_repeats:
        repeated = len(rows) - len(new) - ignored
    return Stored(new, repeated, ignored)


async def store_rejected(
    session: AsyncSession, connection: Owner, body: bytes, reason: str
) -> None:
    """Keeps a body we could not read, with the reason (once per distinct body)."""
    table = cast(Table, KommoWebhookEvent.__table__)
    stmt = insert(table).values(
        id=uuid.uuid4(),
        tenant_id=connection.tenant_id,
        connection_id=connection.id,
        account_id=connection.account_id,
        kind="",
        entity_type="",
        entity_id="",
        dedup_key="rejected:" + hashlib.sha256(body).hexdigest(),
        status=WebhookEventStatus.rejected,
        raw_body=body,
        last_error=_bounded(reason, 2000),
        processed_at=utcnow(),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.tenant_id, table.c.dedup_key],
        set_={"deliveries": table.c.deliveries + 1},
    )
    await session.execute(stmt)


def queue_after_commit(session: AsyncSession, event_ids: Sequence[uuid.UUID]) -> None:
    """The jobs of stored events, sent when the session commits (workers, the sweep)."""
    for event_id in event_ids:
        enqueue_after_commit(session, PROCESS_JOB, str(event_id))


async def send_jobs(arq: ArqRedis | None, event_ids: Sequence[uuid.UUID], budget: float) -> bool:
    """The jobs of events just committed, within `budget` seconds; False if Redis did not take
    them all (the work sweep sends them later)."""
    if not event_ids or arq is None:
        return not event_ids
    try:
        async with asyncio.timeout(budget):
            for event_id in event_ids:
                await arq.enqueue_job(PROCESS_JOB, str(event_id))
    except REDIS_ERRORS as exc:
        logger.warning(
            "webhook events stored, their jobs not sent: Redis did not answer",
            extra={"events": len(event_ids), "error": repr(exc)},
        )
        return False
    return True
