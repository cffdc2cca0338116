"""Work that can fail, kept as rows: one mechanism for every kind of it.

A row that is work (a document to index, a graph to extract, a re-embedding, and later webhook
events, CRM syncs and sequence steps) carries `WorkMixin`'s columns beside its own status. The
domain describes the kind once (`WorkKind`: its model, which statuses mean waiting, running and
failed, and how to send its job again) and this module does the bookkeeping the same way for all:

- **claim**: a waiting row whose time has come is taken with `FOR UPDATE SKIP LOCKED` (two workers
  never take the same row), counted as an attempt, and given a fresh `run_id`; `claim_fairest`
  takes rows round robin across tenants (every tenant's first waiting row before anyone's second,
  the tenant served least recently first), so one tenant's backlog never starves another's;
- **heartbeat**: a job writes progress through `update_claimed`, which refreshes `heartbeat_at`
  and writes only while the claim stands (`run_id` unchanged: the row was not re-queued, reset or
  taken by another job meanwhile); `kept_alive` also beats on a timer while the job holds the
  claim, so a long step without progress to write (parsing a large file) is not taken for dead;
- **retry or fail**: a failure that may pass puts the row back in the queue with the reason and
  "retrying (attempt N of M)", due again after a backoff of 5 s x attempts²; the last attempt, or a
  failure that will not pass, fails it with the reason for people to read. A failed row never
  runs again by itself; a person (or a domain rule, such as a web page's scheduled re-check) may
  queue it again;
- **sweep**: one periodic pass over every registered kind. A row marked running whose heartbeat
  stopped (the worker was killed, timed out or lost) has used an attempt: it is queued again, or,
  at the maximum, failed with "stopped after N attempts: the worker died while …". A row waiting
  too long with nobody working on it (Redis lost its job) has its job sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from arq import Retry
from sqlalchemy import DateTime, Integer, Select, Table, Text, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column

from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.settings import Settings

logger = logging.getLogger(__name__)

#: How many waiting rows `claim_fairest` considers before locking one of them.
FAIR_CANDIDATES = 16


class WorkMixin:
    """The bookkeeping columns of a row that is work (its status is the model's own enum)."""

    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When a row put back in the queue may be taken again (None: at once).
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set by the claim: a job's writes land only while its claim stands.
    run_id: Mapped[uuid.UUID | None] = mapped_column()

    if TYPE_CHECKING:  # every kind's own columns, by convention
        tenant_id: Mapped[uuid.UUID]
        created_at: Mapped[datetime]
        updated_at: Mapped[datetime]


W = TypeVar("W", bound=WorkMixin)


@dataclass(frozen=True, kw_only=True)
class WorkKind(Generic[W]):
    """A kind of work, described once by its domain."""

    name: str  # for logs: "document indexing"
    model: type[W]
    key: InstrumentedAttribute[Any]  # the primary key column
    status: InstrumentedAttribute[Any]
    queued: enum.Enum | None  # None: the row never waits (a job is sent as soon as it is due)
    running: enum.Enum  # what a claim sets
    active: tuple[enum.Enum, ...]  # the statuses a live job keeps fresh with heartbeats
    failed: enum.Enum
    doing: str  # "indexing this document", as in "the worker died while indexing this document"
    requeue: Callable[[AsyncSession, W], None]  # back to waiting, its job sent after commit


@dataclass(frozen=True)
class Claim:
    """What a job holds of the row it took."""

    key: Any
    tenant_id: uuid.UUID
    run_id: uuid.UUID
    attempts: int


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=5 * attempts * attempts)


def retry_job(job_try: int) -> Retry:
    """The arq retry of a job whose row went back in the queue: due when the row is."""
    return Retry(defer=backoff(max(1, job_try)))


def _due(kind: WorkKind[Any]) -> Any:
    return or_(kind.model.next_attempt_at.is_(None), kind.model.next_attempt_at <= func.now())


def _take(kind: WorkKind[W], row: W) -> Claim:
    row.attempts += 1
    row.last_error = None
    row.heartbeat_at = utcnow()
    row.next_attempt_at = None
    row.run_id = uuid.uuid4()
    setattr(row, kind.status.key, kind.running)
    return Claim(
        key=getattr(row, kind.key.key),
        tenant_id=row.tenant_id,
        run_id=row.run_id,
        attempts=row.attempts,
    )


def _locked(kind: WorkKind[W], key: Any) -> Select[W]:
    return (
        select(kind.model)
        .where(kind.key == key, kind.status == kind.queued, _due(kind))
        .with_for_update(skip_locked=True)
    )


async def claim(session: AsyncSession, kind: WorkKind[W], key: Any) -> tuple[W, Claim] | None:
    """Takes this row if it waits and is due (None if not, or if another job is taking it)."""
    row = await session.scalar(_locked(kind, key))
    return None if row is None else (row, _take(kind, row))


def _fair_order(kind: WorkKind[Any]) -> Select[tuple[Any]]:
    table = cast(Table, kind.model.__table__)
    status = table.c[kind.status.key]
    waiting = (
        select(
            table.c[kind.key.key].label("key"),
            table.c.tenant_id,
            table.c.created_at,
            func.row_number()
            .over(partition_by=table.c.tenant_id, order_by=table.c.created_at)
            .label("position"),
        )
        .where(status == kind.queued)
        .where(or_(table.c.next_attempt_at.is_(None), table.c.next_attempt_at <= func.now()))
        .cte("waiting")
    )
    served = (
        select(table.c.tenant_id, func.max(table.c.heartbeat_at).label("last_served"))
        .where(table.c.tenant_id.in_(select(waiting.c.tenant_id).distinct()))
        .group_by(table.c.tenant_id)
        .cte("served")
    )
    return (
        select(waiting.c.key)
        .join(served, served.c.tenant_id == waiting.c.tenant_id)
        .order_by(
            waiting.c.position,
            served.c.last_served.asc().nulls_first(),
            waiting.c.created_at,
        )
        .limit(FAIR_CANDIDATES)
    )


async def claim_fairest(session: AsyncSession, kind: WorkKind[W]) -> tuple[W, Claim] | None:
    """Takes the fairest waiting row across tenants (skipping rows another job is taking)."""
    for key in (await session.execute(_fair_order(kind))).scalars().all():
        row = await session.scalar(_locked(kind, key))
        if row is not None:
            return row, _take(kind, row)
    return None


async def update_claimed(
    session: AsyncSession, kind: WorkKind[W], held: Claim, **values: object
) -> W | None:
    """Writes `values` and a heartbeat if the claim still stands; the row (locked), else None."""
    row = await session.get(kind.model, held.key, with_for_update=True, populate_existing=True)
    if row is None or row.run_id != held.run_id:
        return None
    for name, value in values.items():
        setattr(row, name, value)
    row.heartbeat_at = utcnow()
    return row


async def heartbeat(
    maker: async_sessionmaker[AsyncSession], kind: WorkKind[W], held: Claim, **values: object
) -> bool:
    """`update_claimed` in a transaction of its own; False if the claim was lost."""
    async with unit_of_work(maker, None) as session:
        return await update_claimed(session, kind, held, **values) is not None


def beat_every(settings: Settings) -> float:
    """Seconds between a live job's heartbeats: a few per stale period, so one slow beat is
    never mistaken for a death."""
    return max(1.0, settings.work_stale_seconds / 5)


@contextlib.asynccontextmanager
async def kept_alive(
    maker: async_sessionmaker[AsyncSession], kind: WorkKind[W], held: Claim, every: float
) -> AsyncIterator[None]:
    """Heartbeats every `every` seconds while the block runs (until the claim is lost)."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(every)
            try:
                if not await heartbeat(maker, kind, held):
                    return
            except Exception:  # a missed beat is not the job's failure; the next one may land
                logger.warning("heartbeat of %s failed", kind.name, exc_info=True)

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def attempts_left(settings: Settings, attempts: int) -> bool:
    return attempts < settings.work_max_attempts


def retrying(settings: Settings, reason: str, attempts: int) -> str:
    return f"{reason}; retrying (attempt {attempts} of {settings.work_max_attempts})"


def gave_up(reason: str, attempts: int) -> str:
    return f"{reason}; gave up after {attempts} attempts"


async def retry_or_fail(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    kind: WorkKind[W],
    held: Claim,
    reason: str,
    **failed_values: object,
) -> bool:
    """Back in the queue with the reason, due after the backoff; or, after the last attempt,
    failed with it (and `failed_values`). True if it will be tried again."""
    if attempts_left(settings, held.attempts):
        await heartbeat(
            maker,
            kind,
            held,
            **{kind.status.key: kind.queued},
            last_error=retrying(settings, reason, held.attempts),
            next_attempt_at=utcnow() + backoff(held.attempts),
        )
        return True
    await fail(maker, kind, held, gave_up(reason, held.attempts), **failed_values)
    return False


async def fail(
    maker: async_sessionmaker[AsyncSession],
    kind: WorkKind[W],
    held: Claim,
    reason: str,
    **values: object,
) -> None:
    """Fails the row for good with the reason people will read."""
    await heartbeat(
        maker, kind, held, **{kind.status.key: kind.failed}, last_error=reason, **values
    )


# --- the sweep ---------------------------------------------------------------------------------


def died_message(kind: WorkKind[Any], attempts: int) -> str:
    return f"Stopped after {attempts} attempts: the worker died while {kind.doing}"


async def _revive_dead(
    session: AsyncSession, settings: Settings, kind: WorkKind[W], cutoff: datetime, limit: int
) -> int:
    rows = await session.scalars(
        select(kind.model)
        .where(kind.status.in_(kind.active), kind.model.heartbeat_at < cutoff)
        .order_by(kind.model.heartbeat_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    count = 0
    for row in rows:
        count += 1
        if kind.queued is None:  # the row never waits: the death is counted here
            row.attempts += 1
        row.run_id = None
        row.heartbeat_at = utcnow()
        if not attempts_left(settings, row.attempts):
            setattr(row, kind.status.key, kind.failed)
            row.last_error = died_message(kind, row.attempts)
            logger.warning("gave up on %s: the worker died %d times", kind.name, row.attempts)
            continue
        row.last_error = retrying(settings, f"The worker died while {kind.doing}", row.attempts)
        logger.warning("re-queueing %s whose worker died", kind.name)
        kind.requeue(session, row)
    return count


async def _resend_lost(
    session: AsyncSession, kind: WorkKind[W], cutoff: datetime, limit: int
) -> int:
    if kind.queued is None:
        return 0
    rows = await session.scalars(
        select(kind.model)
        .where(kind.status == kind.queued, _due(kind), kind.model.updated_at < cutoff)
        .order_by(kind.model.updated_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    count = 0
    for row in rows:
        count += 1
        row.updated_at = utcnow()
        logger.warning("re-sending the job of %s waiting since long", kind.name)
        kind.requeue(session, row)
    return count


async def sweep(
    session: AsyncSession, settings: Settings, kinds: Sequence[WorkKind[Any]], limit: int = 100
) -> int:
    """Revives or fails the rows of every kind whose job died, and re-sends the jobs of rows
    that wait with nobody working on them; returns how many rows it touched."""
    cutoff = utcnow() - timedelta(seconds=settings.work_stale_seconds)
    touched = 0
    for kind in kinds:
        touched += await _revive_dead(session, settings, kind, cutoff, limit)
        touched += await _resend_lost(session, kind, cutoff, limit)
    return touched
