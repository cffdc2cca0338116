"""One sync run in the worker: claim the row, read the kind from Kommo, store it, or say why not.

The run's row is the job's state (`core.work`): a claim (queued → running, a fresh `run_id`)
makes a duplicate job a no-op; progress (items read so far) is written page by page and doubles
as the heartbeat; what Kommo said is stored in one transaction, only while the claim stands.

Failures:
- Kommo blocked our address (HTML 403): the run fails at once with "Kommo blocked our address:
  …; retry after …". The client marks the account blocked for every process, so the other runs
  fail without sending anything: no hammering. The schedule tries again later;
- the grant is revoked or the token refused (401 after a refresh): fails with "reconnect
  required", and the connection is marked so;
- an unpaid account, missing rights, an answer we cannot read: fail at once with Kommo's reason;
- Kommo unreachable, 5xx or 429 after the client's own retries, or anything unexpected: back in
  the queue with the backoff, failed after `work_max_attempts`.
A run that fails emits `kommo.sync_failed` (tenant_id, run_id, kind, reason) after the commit.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.core import work
from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.events import emit
from agentplatform.core.settings import Settings
from agentplatform.core.work import Claim, WorkKind
from agentplatform.kommo.client import (
    KommoBadRequest,
    KommoClient,
    KommoError,
    KommoForbidden,
    KommoIPBlocked,
    KommoNotFound,
    KommoPaymentRequired,
    KommoProtocolError,
    KommoUnauthorized,
)
from agentplatform.kommo.client.models import CustomField, Pipeline, Source, User
from agentplatform.kommo.connection.models import ConnectionStatus, KommoConnection
from agentplatform.kommo.connection.service import find_connection, limiter_for, open_client
from agentplatform.kommo.sync import store
from agentplatform.kommo.sync.models import FieldEntity, KommoSyncRun, SyncKind, SyncStatus
from agentplatform.kommo.sync.service import RECONNECT_REQUIRED, send_sync_job

logger = logging.getLogger(__name__)

SYNC_FAILED = "kommo.sync_failed"
PERMANENT = (
    KommoPaymentRequired,
    KommoForbidden,
    KommoProtocolError,
    KommoBadRequest,
    KommoNotFound,
)


def requeue_sync(session: AsyncSession, row: KommoSyncRun) -> None:
    row.status = SyncStatus.queued
    row.run_id = None
    send_sync_job(session, row)


KOMMO_SYNC = WorkKind(
    name="Kommo sync",
    model=KommoSyncRun,
    key=KommoSyncRun.id,
    status=KommoSyncRun.status,
    queued=SyncStatus.queued,
    running=SyncStatus.running,
    active=(SyncStatus.running,),
    failed=SyncStatus.failed,
    doing="syncing from Kommo",
    requeue=requeue_sync,
)


class Outcome:
    done = "done"
    failed = "failed"
    skipped = "skipped"


@dataclass(frozen=True)
class Claimed:
    held: Claim
    kind: SyncKind
    connection: KommoConnection | None

    @property
    def run_id(self) -> uuid.UUID:
        return cast(uuid.UUID, self.held.key)


Fetched = list[Pipeline] | list[tuple[FieldEntity, CustomField]] | list[User] | list[Source]
Progress = Callable[[int], Awaitable[None]]


def reconnect_message(exc: KommoError) -> str:
    return f"{RECONNECT_REQUIRED}: {exc.detail or exc.title}"


async def blocked_message(exc: KommoIPBlocked, redis: ArqRedis, host: str) -> str:
    seconds = exc.retry_after or await limiter_for(redis).blocked_for(host)
    when = utcnow() + timedelta(seconds=seconds)
    return (
        f"Kommo blocked our address: {exc.detail or exc.title}; "
        f"retry after {when:%Y-%m-%d %H:%M} UTC ({seconds:.0f} s)"
    )


async def _claim(maker: async_sessionmaker[AsyncSession], run_id: uuid.UUID) -> Claimed | None:
    async with unit_of_work(maker, None) as session:
        taken = await work.claim(session, KOMMO_SYNC, run_id)
        if taken is None:
            return None
        row, held = taken
        if row.started_at is None:
            row.started_at = utcnow()
        row.finished_at = None
        connection = await find_connection(session, row.tenant_id)
        return Claimed(held=held, kind=row.kind, connection=connection)


async def fetch(client: KommoClient, kind: SyncKind, progress: Progress) -> Fetched:
    """Everything of `kind` the account has, reporting the count read after each page."""
    if kind is SyncKind.pipelines:
        pipelines = await client.list_pipelines()  # one answer, statuses embedded
        await progress(len(pipelines))
        return pipelines
    if kind is SyncKind.custom_fields:
        fields: list[tuple[FieldEntity, CustomField]] = []
        for entity in FieldEntity:
            async for field_page in client.custom_field_pages(entity.value):
                fields.extend((entity, f) for f in field_page)
                await progress(len(fields))
        return fields
    if kind is SyncKind.users:
        users: list[User] = []
        async for user_page in client.user_pages():
            users.extend(user_page)
            await progress(len(users))
        return users
    sources: list[Source] = []
    async for source_page in client.source_pages():
        sources.extend(source_page)
        await progress(len(sources))
    return sources


async def run_sync(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    redis: ArqRedis,
    run_id: uuid.UUID,
) -> str:
    """Runs the sync if it is queued; returns an `Outcome`. Raises on a failure worth retrying,
    after putting the run back in the queue."""
    claimed = await _claim(maker, run_id)
    if claimed is None:
        return Outcome.skipped
    connection = claimed.connection
    if connection is None:
        return await _fail(maker, redis, claimed, "Kommo is not connected to this workspace")
    if connection.status is ConnectionStatus.reconnect_required:
        reason = RECONNECT_REQUIRED
        if connection.last_error:
            reason = f"{reason}: {connection.last_error}"
        return await _fail(maker, redis, claimed, reason)

    async def progress(done: int) -> None:
        await work.heartbeat(maker, KOMMO_SYNC, claimed.held, progress_done=done)

    try:
        client = open_client(connection, settings, redis, maker)
        beat = work.beat_every(settings)
        async with work.kept_alive(maker, KOMMO_SYNC, claimed.held, beat), client:
            fetched = await fetch(client, claimed.kind, progress)
    except KommoIPBlocked as exc:
        host = connection.base_url.split("://", 1)[-1]
        return await _fail(maker, redis, claimed, await blocked_message(exc, redis, host))
    except KommoUnauthorized as exc:
        return await _fail(maker, redis, claimed, reconnect_message(exc), reconnect=True)
    except PERMANENT as exc:
        return await _fail(maker, redis, claimed, str(exc))
    except Exception as exc:
        if isinstance(exc, KommoError):
            reason = str(exc)
        else:
            logger.exception("Kommo sync failed", extra={"run_id": str(run_id)})
            reason = f"The sync failed ({type(exc).__name__})"
        if work.attempts_left(settings, claimed.held.attempts):
            await work.retry_or_fail(maker, settings, KOMMO_SYNC, claimed.held, reason)
            raise
        return await _fail(maker, redis, claimed, work.gave_up(reason, claimed.held.attempts))
    return await _store(maker, redis, claimed, fetched)


async def _store(
    maker: async_sessionmaker[AsyncSession], redis: ArqRedis, claimed: Claimed, fetched: Fetched
) -> str:
    async with unit_of_work(maker, redis) as session:
        row = await work.update_claimed(session, KOMMO_SYNC, claimed.held)
        if row is None or row.status is not SyncStatus.running:
            return Outcome.skipped  # re-queued or reset while we read
        tenant_id = claimed.held.tenant_id
        if claimed.kind is SyncKind.pipelines:
            counts = await store.store_pipelines(session, tenant_id, cast(list[Pipeline], fetched))
        elif claimed.kind is SyncKind.custom_fields:
            counts = await store.store_custom_fields(
                session, tenant_id, cast(list[tuple[FieldEntity, CustomField]], fetched)
            )
        elif claimed.kind is SyncKind.users:
            counts = await store.store_users(session, tenant_id, cast(list[User], fetched))
        else:
            counts = await store.store_sources(session, tenant_id, cast(list[Source], fetched))
        row.status = SyncStatus.done
        row.finished_at = utcnow()
        row.created_count = counts.created
        row.updated_count = counts.updated
        row.deleted_count = counts.deleted
        row.progress_done = row.progress_total = len(fetched)
        row.last_error = None
    return Outcome.done


async def _fail(
    maker: async_sessionmaker[AsyncSession],
    redis: ArqRedis,
    claimed: Claimed,
    reason: str,
    *,
    reconnect: bool = False,
) -> str:
    """Fails the run for good with `reason` and tells whoever listens (`SYNC_FAILED`)."""
    async with unit_of_work(maker, redis) as session:
        row = await work.update_claimed(session, KOMMO_SYNC, claimed.held)
        if row is None:
            return Outcome.skipped
        row.status = SyncStatus.failed
        row.last_error = reason
        row.finished_at = utcnow()
        if reconnect:
            connection = await find_connection(session, row.tenant_id)
            if connection is not None:
                connection.status = ConnectionStatus.reconnect_required
                connection.last_error = reason
        emit(
            session,
            SYNC_FAILED,
            tenant_id=str(row.tenant_id),
            run_id=str(row.id),
            kind=row.kind.value,
            reason=reason,
        )
    logger.warning("Kommo sync failed", extra={"run_id": str(claimed.run_id), "reason": reason})
    return Outcome.failed
