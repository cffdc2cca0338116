"""Asking for syncs and reading what they stored.

`request_sync` is the one way a sync is queued (on demand, on a schedule, on connect): one run
per kind, joined rather than doubled while a run of that kind waits or runs (a partial unique
index guards it across processes), its job sent after the commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.db import utcnow
from agentplatform.core.errors import Conflict
from agentplatform.core.jobs import enqueue_after_commit
from agentplatform.core.pagination import PageParams, paginate
from agentplatform.core.scoped import scoped
from agentplatform.kommo.connection.models import ConnectionStatus, KommoConnection
from agentplatform.kommo.connection.service import get_connection
from agentplatform.kommo.sync.models import (
    ACTIVE_STATUSES,
    ALL_KINDS,
    FieldEntity,
    KommoCustomField,
    KommoPipeline,
    KommoSource,
    KommoStatus,
    KommoSyncRun,
    KommoUser,
    SyncKind,
    SyncReason,
    SyncStatus,
)

SYNC_JOB = "run_kommo_sync"
RECONNECT_REQUIRED = "Kommo refused our access, reconnect required"
#: How often the schedule syncs each kind of a connected workspace.
SYNC_EVERY = timedelta(hours=6)


def send_sync_job(session: AsyncSession, run: KommoSyncRun) -> None:
    enqueue_after_commit(session, SYNC_JOB, str(run.id))


async def request_sync(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    kinds: Sequence[SyncKind] = ALL_KINDS,
    reason: str = "connect",
    *,
    requested_by: uuid.UUID | None = None,
) -> list[KommoSyncRun]:
    """Queues a run of each kind (the waiting or running one if there is one already); each new
    run's job is sent after the commit. The runs, in the order of `kinds`."""
    return [
        run for run, _ in await _queue(session, tenant_id, kinds, SyncReason(reason), requested_by)
    ]


ACTIVE_PREDICATE = text("status IN ('queued', 'running')")


async def _queue(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    kinds: Sequence[SyncKind],
    reason: SyncReason,
    requested_by: uuid.UUID | None,
) -> list[tuple[KommoSyncRun, bool]]:
    """Each kind's active run, and whether it is new."""
    out: list[tuple[KommoSyncRun, bool]] = []
    for kind in dict.fromkeys(kinds):
        for _ in range(3):  # the active run may finish between the two statements
            inserted = await session.scalar(
                insert(KommoSyncRun)
                .values(
                    id=uuid.uuid4(),
                    tenant_id=tenant_id,
                    kind=kind,
                    status=SyncStatus.queued,
                    reason=reason,
                    requested_by=requested_by,
                )
                .on_conflict_do_nothing(
                    index_elements=["tenant_id", "kind"],
                    # Literal, as the index's own predicate: with bound values PostgreSQL cannot
                    # match the partial index once a reused statement gets a generic plan.
                    index_where=ACTIVE_PREDICATE,
                )
                .returning(KommoSyncRun.id)
            )
            run = await session.scalar(
                scoped(select(KommoSyncRun), KommoSyncRun, tenant_id).where(
                    KommoSyncRun.kind == kind, KommoSyncRun.status.in_(ACTIVE_STATUSES)
                )
            )
            if run is not None:
                break
        if run is None:
            raise RuntimeError(f"could not queue a {kind} sync")
        if inserted is not None:
            send_sync_job(session, run)
        out.append((run, inserted is not None))
    return out


async def request_sync_now(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    kinds: Sequence[SyncKind] | None,
    requested_by: uuid.UUID | None,
) -> list[KommoSyncRun]:
    """A person's "sync now": the workspace must be connected, with a grant Kommo accepts."""
    connection = await get_connection(session, tenant_id)
    if connection.status is ConnectionStatus.reconnect_required:
        raise Conflict(RECONNECT_REQUIRED)
    return await request_sync(
        session, tenant_id, kinds or ALL_KINDS, SyncReason.manual, requested_by=requested_by
    )


async def schedule_due_syncs(session: AsyncSession) -> int:
    """Queues the kinds of every connected workspace not synced (or asked) for `SYNC_EVERY`;
    a kind whose run waits or runs is left alone. How many runs were queued."""
    last = (
        select(
            KommoSyncRun.tenant_id,
            KommoSyncRun.kind,
            func.max(KommoSyncRun.created_at).label("last_at"),
        )
        .group_by(KommoSyncRun.tenant_id, KommoSyncRun.kind)
        .subquery()
    )
    tenants = await session.scalars(
        select(KommoConnection.tenant_id).where(
            KommoConnection.status == ConnectionStatus.connected
        )
    )
    recent = {
        (row.tenant_id, row.kind)
        for row in (
            await session.execute(
                select(last.c.tenant_id, last.c.kind).where(last.c.last_at > utcnow() - SYNC_EVERY)
            )
        ).all()
    }
    queued = 0
    for tenant_id in list(tenants):
        due = [kind for kind in ALL_KINDS if (tenant_id, kind) not in recent]
        if due:
            runs = await _queue(session, tenant_id, due, SyncReason.schedule, None)
            queued += sum(1 for _, new in runs if new)
    return queued


# --- reading ---------------------------------------------------------------------------------


async def list_runs(
    session: AsyncSession, tenant_id: uuid.UUID, page: PageParams, kind: SyncKind | None = None
) -> tuple[list[KommoSyncRun], int]:
    stmt = scoped(select(KommoSyncRun), KommoSyncRun, tenant_id)
    if kind is not None:
        stmt = stmt.where(KommoSyncRun.kind == kind)
    return await paginate(
        session, stmt.order_by(KommoSyncRun.created_at.desc(), KommoSyncRun.id), page
    )


async def latest_runs(session: AsyncSession, tenant_id: uuid.UUID) -> dict[SyncKind, KommoSyncRun]:
    """The last run of each kind (waiting, running, done or failed with its reason)."""
    rows = await session.scalars(
        scoped(select(KommoSyncRun), KommoSyncRun, tenant_id)
        .ext(distinct_on(KommoSyncRun.kind))
        .order_by(KommoSyncRun.kind, KommoSyncRun.created_at.desc())
    )
    return {row.kind: row for row in rows}


async def list_pipelines(
    session: AsyncSession, tenant_id: uuid.UUID, page: PageParams
) -> tuple[list[tuple[KommoPipeline, list[KommoStatus]]], int]:
    """Pipelines in Kommo's order, each with its statuses in theirs."""
    pipelines, total = await paginate(
        session,
        scoped(select(KommoPipeline), KommoPipeline, tenant_id).order_by(
            KommoPipeline.sort, KommoPipeline.kommo_id
        ),
        page,
    )
    statuses = await session.scalars(
        scoped(select(KommoStatus), KommoStatus, tenant_id)
        .where(KommoStatus.pipeline_id.in_([p.id for p in pipelines]))
        .order_by(KommoStatus.sort, KommoStatus.kommo_id)
    )
    by_pipeline: dict[uuid.UUID, list[KommoStatus]] = {p.id: [] for p in pipelines}
    for status in statuses:
        by_pipeline[status.pipeline_id].append(status)
    return [(p, by_pipeline[p.id]) for p in pipelines], total


async def list_custom_fields(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    page: PageParams,
    entity_type: FieldEntity | None = None,
) -> tuple[list[KommoCustomField], int]:
    stmt = scoped(select(KommoCustomField), KommoCustomField, tenant_id)
    if entity_type is not None:
        stmt = stmt.where(KommoCustomField.entity_type == entity_type)
    stmt = stmt.order_by(
        KommoCustomField.entity_type, KommoCustomField.sort, KommoCustomField.kommo_id
    )
    return await paginate(session, stmt, page)


async def list_users(
    session: AsyncSession, tenant_id: uuid.UUID, page: PageParams
) -> tuple[list[KommoUser], int]:
    stmt = scoped(select(KommoUser), KommoUser, tenant_id).order_by(
        KommoUser.name, KommoUser.kommo_id
    )
    return await paginate(session, stmt, page)


async def list_sources(
    session: AsyncSession, tenant_id: uuid.UUID, page: PageParams
) -> tuple[list[KommoSource], int]:
    stmt = scoped(select(KommoSource), KommoSource, tenant_id).order_by(
        KommoSource.name, KommoSource.kommo_id
    )
    return await paginate(session, stmt, page)
