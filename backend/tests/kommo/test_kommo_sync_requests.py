"""Asking for Kommo syncs: on demand, on a schedule and on connect, never a second run of a kind
while one waits or runs; the read routes are the tenant's own."""

from __future__ import annotations

from agentplatform.core.db import create_sessionmaker
from agentplatform.core.jobs import pending_jobs
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.simulator import KommoSimulator
from agentplatform.kommo.sync import service as sync_service
from agentplatform.kommo.sync.models import SyncKind, SyncStatus
from agentplatform.kommo.sync.tasks import schedule_kommo_syncs
from arq import ArqRedis
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.factories import signed_in_workspace
from tests.kommo.sync_support import connected_workspace, sync


async def test_asking_twice_joins_the_waiting_run(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
    redis: ArqRedis,
) -> None:
    base, _ = await connected_workspace(live_client, engine, live_settings, kommo, kommo_client)

    first = await live_client.post(f"{base}/sync", json={"kinds": ["users", "pipelines"]})
    second = await live_client.post(f"{base}/sync")

    assert first.status_code == second.status_code == 202
    first_runs = {r["kind"]: r for r in first.json()["runs"]}
    second_runs = {r["kind"]: r for r in second.json()["runs"]}
    assert set(first_runs) == {"users", "pipelines"}
    assert set(second_runs) == {"pipelines", "custom_fields", "users", "sources"}
    assert all(r["status"] == "queued" and r["reason"] == "manual" for r in first_runs.values())
    for kind in ("users", "pipelines"):
        assert second_runs[kind]["id"] == first_runs[kind]["id"]
    listed = (await live_client.get(f"{base}/syncs")).json()
    assert listed["total"] == 4


async def test_the_schedule_queues_due_kinds_once(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
    redis: ArqRedis,
) -> None:
    base, tenant_id = await connected_workspace(
        live_client, engine, live_settings, kommo, kommo_client
    )
    asked = await live_client.post(f"{base}/sync", json={"kinds": ["users"]})
    assert asked.status_code == 202
    ctx = {"sessionmaker": create_sessionmaker(engine), "redis": redis, "settings": live_settings}

    assert await schedule_kommo_syncs(ctx) == 3  # users already waits
    assert await schedule_kommo_syncs(ctx) == 0  # everything waits now

    listed = (await live_client.get(f"{base}/syncs")).json()["items"]
    assert sorted(r["kind"] for r in listed) == sorted(k.value for k in SyncKind)
    assert {r["kind"]: r["reason"] for r in listed}["pipelines"] == "schedule"

    await sync(live_client, base, live_settings)  # runs what waits (and joins nothing new)
    assert await schedule_kommo_syncs(ctx) == 0  # synced less than 6 h ago
    async with create_sessionmaker(engine)() as session:
        latest = await sync_service.latest_runs(session, tenant_id)
    assert set(latest) == set(SyncKind)
    assert all(run.status is SyncStatus.done for run in latest.values())


async def test_request_sync_on_connect_sends_jobs_only_for_new_runs(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    _, tenant_id = await connected_workspace(
        live_client, engine, live_settings, kommo, kommo_client
    )
    async with create_sessionmaker(engine)() as session:
        runs = await sync_service.request_sync(session, tenant_id)
        assert [r.kind for r in runs] == list(SyncKind)
        assert all(r.reason.value == "connect" for r in runs)
        assert [job.args for job in pending_jobs(session)] == [(str(r.id),) for r in runs]
        again = await sync_service.request_sync(session, tenant_id, [SyncKind.users])
        assert [r.id for r in again] == [runs[2].id]
        assert len(pending_jobs(session)) == 4
        await session.rollback()


async def test_sync_needs_a_connection_and_known_kinds(
    live_client: AsyncClient, engine: AsyncEngine
) -> None:
    base, _ = await signed_in_workspace(live_client, engine)
    kommo_base = f"{base}/integrations/kommo"

    missing = await live_client.post(f"{kommo_base}/sync")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Kommo is not connected to this workspace"
    bad = await live_client.post(f"{kommo_base}/sync", json={"kinds": ["leads"]})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "kinds" in bad.text


async def test_another_workspace_sees_none_of_it(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
    client_factory: object,
) -> None:
    base, _ = await connected_workspace(live_client, engine, live_settings, kommo, kommo_client)
    await sync(live_client, base, live_settings, "pipelines", "users")
    assert (await live_client.get(f"{base}/pipelines")).json()["total"] == 2

    async with AsyncClient(transport=live_client._transport, base_url="http://testserver") as other:
        other_base, _ = await signed_in_workspace(other, engine)
        own = f"{other_base}/integrations/kommo"
        for path in ("syncs", "pipelines", "fields", "users", "sources"):
            theirs = await other.get(f"{base}/{path}")
            assert theirs.status_code == 404, path
            mine = await other.get(f"{own}/{path}")
            assert mine.status_code == 200, path
            assert mine.json()["total"] == 0, path
        assert (await other.post(f"{base}/sync")).status_code == 404


async def test_asking_again_and_again_on_one_connection_keeps_joining_the_run(
    engine: AsyncEngine, live_settings: Settings, kommo: KommoSimulator, kommo_client: KommoClient
) -> None:
    """A pooled connection reuses the prepared insert; after five runs PostgreSQL may plan it
    generically, where a bound partial-index predicate no longer matches the index."""
    from tests.kommo.intake_support import connect_workspace

    connected = await connect_workspace(engine, live_settings, kommo, kommo_client)
    tenant_id = connected.owner.tenant.id
    async with engine.connect() as conn, AsyncSession(bind=conn) as session:
        ids = set()
        for _ in range(12):
            runs = await sync_service.request_sync(session, tenant_id, [SyncKind.users])
            ids.add(runs[0].id)
        await session.rollback()
    assert len(ids) == 1
