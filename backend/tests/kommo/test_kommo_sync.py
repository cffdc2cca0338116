"""Kommo syncs run by the real worker against the simulator: what is stored, counted, updated
and deleted, progress, pagination, and how a blocked address or a refused token stop a run."""

from __future__ import annotations

from agentplatform.core.db import after_commit, create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.connection.models import ConnectionStatus
from agentplatform.kommo.connection.service import find_connection
from agentplatform.kommo.simulator import KommoSimulator
from agentplatform.kommo.sync import service as sync_service
from agentplatform.kommo.sync.models import SyncKind, SyncStatus
from arq import ArqRedis
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kommo.sync_support import all_items, connected_workspace, sync
from tests.worker_support import run_burst


def _add_source(kommo: KommoSimulator, name: str, external_id: str) -> int:
    state = kommo.state
    with state.lock:
        source_id = state.next_id()
        state.sources[source_id] = {
            "id": source_id,
            "name": name,
            "pipeline_id": state.main_pipeline()["id"],
            "external_id": external_id,
            "default": False,
            "origin_code": "telegram",
            "services": [{"type": "telegram", "params": {}, "pages": []}],
        }
    return source_id


async def test_a_full_sync_stores_pipelines_fields_users_and_sources(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    base, _ = await connected_workspace(live_client, engine, live_settings, kommo, kommo_client)
    _add_source(kommo, "Telegram bot", "tg-1")

    runs = await sync(live_client, base, live_settings)

    assert {kind: run["status"] for kind, run in runs.items()} == {
        "pipelines": "done",
        "custom_fields": "done",
        "users": "done",
        "sources": "done",
    }
    # Sales: incoming + 3 stages + won + lost; Partners: incoming + 2 + won + lost.
    assert runs["pipelines"]["created_count"] == 2 + 6 + 5
    assert runs["custom_fields"]["created_count"] == 8
    assert runs["users"]["created_count"] == 3
    assert runs["sources"]["created_count"] == 1
    for run in runs.values():
        assert run["updated_count"] == run["deleted_count"] == 0
        assert run["progress_done"] == run["progress_total"] > 0
        assert run["started_at"]
        assert run["finished_at"]
        assert run["last_error"] is None

    pipelines = (await live_client.get(f"{base}/pipelines")).json()["items"]
    assert [p["name"] for p in pipelines] == ["Sales", "Partners"]
    sales = pipelines[0]
    assert sales["is_main"] is True
    assert sales["is_archive"] is False
    assert [s["name"] for s in sales["statuses"]] == [
        "Incoming leads",
        "Qualification",
        "Proposal",
        "Negotiation",
        "Closed - won",
        "Closed - lost",
    ]
    assert sales["statuses"][0]["type"] == 1
    assert sales["statuses"][1]["color"] == "#99ccff"
    assert [s["kommo_id"] for s in sales["statuses"]][-2:] == [142, 143]

    fields = await all_items(live_client, f"{base}/fields", entity_type="contacts")
    phone = next(f for f in fields if f["code"] == "PHONE")
    assert phone["type"] == "multitext"
    assert phone["entity_type"] == "contacts"
    assert [e["value"] for e in phone["enums"]] == ["WORK", "MOB", "HOME", "OTHER"]

    users = (await live_client.get(f"{base}/users")).json()["items"]
    assert {u["email"] for u in users} == {"ada@example.com", "sam@example.com", "rita@example.com"}
    ada = next(u for u in users if u["name"] == "Ada Admin")
    assert ada["is_admin"] is True
    assert ada["is_active"] is True
    assert ada["rights"] == {"is_admin": True}

    sources = (await live_client.get(f"{base}/sources")).json()["items"]
    assert [(s["name"], s["external_id"], s["origin_code"]) for s in sources] == [
        ("Telegram bot", "tg-1", "telegram")
    ]
    assert sources[0]["services"][0]["type"] == "telegram"


async def test_a_second_sync_updates_what_changed_and_deletes_what_is_gone(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    base, _ = await connected_workspace(live_client, engine, live_settings, kommo, kommo_client)
    gone_source = _add_source(kommo, "Old form", "form-1")
    await sync(live_client, base, live_settings)

    state = kommo.state
    with state.lock:
        sales = state.main_pipeline()
        sales["name"] = "Sales EU"
        sales["_embedded"]["statuses"] = [
            s for s in sales["_embedded"]["statuses"] if s["name"] != "Proposal"
        ]
        partners = next(p for p in state.pipelines.values() if not p["is_main"])
        del state.pipelines[partners["id"]]
        rita = next(u for u in state.users.values() if u["name"] == "Rita Rep")
        del state.users[rita["id"]]
        sam = next(u for u in state.users.values() if u["name"] == "Sam Sales")
        sam["rights"] = {"is_admin": False, "is_active": False}
        budget = next(f for f in state.custom_fields["leads"].values() if f["name"] == "Budget")
        budget["name"] = "Budget (USD)"
        del state.sources[gone_source]

    runs = await sync(live_client, base, live_settings)

    # The pipeline renamed; Partners and its 5 statuses gone, and Sales' Proposal.
    assert runs["pipelines"]["updated_count"] == 1
    assert runs["pipelines"]["deleted_count"] == 1 + 5 + 1
    assert runs["pipelines"]["created_count"] == 0
    assert (runs["users"]["updated_count"], runs["users"]["deleted_count"]) == (1, 1)
    assert (runs["custom_fields"]["updated_count"], runs["custom_fields"]["deleted_count"]) == (
        1,
        0,
    )
    assert runs["sources"]["deleted_count"] == 1

    pipelines = (await live_client.get(f"{base}/pipelines")).json()["items"]
    assert [p["name"] for p in pipelines] == ["Sales EU"]
    assert "Proposal" not in [s["name"] for s in pipelines[0]["statuses"]]
    users = (await live_client.get(f"{base}/users")).json()["items"]
    assert {u["name"]: u["is_active"] for u in users} == {"Ada Admin": True, "Sam Sales": False}
    assert (await live_client.get(f"{base}/sources")).json()["total"] == 0
    names = {f["name"] for f in await all_items(live_client, f"{base}/fields")}
    assert "Budget (USD)" in names
    assert "Budget" not in names


async def test_custom_fields_are_read_over_more_than_one_page(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    base, _ = await connected_workspace(live_client, engine, live_settings, kommo, kommo_client)
    state = kommo.state
    with state.lock:
        for index in range(300):  # the client asks for 250 a page
            field_id = state.next_id()
            state.custom_fields["leads"][field_id] = {
                "id": field_id,
                "name": f"Extra {index}",
                "type": "text",
                "code": None,
                "sort": 1000 + index,
                "is_api_only": False,
                "entity_type": "leads",
                "group_id": None,
                "is_deletable": True,
                "is_predefined": False,
                "enums": None,
            }
    before = kommo.count("/api/v4/leads/custom_fields")

    runs = await sync(live_client, base, live_settings, "custom_fields")

    assert kommo.count("/api/v4/leads/custom_fields") - before == 2
    run = runs["custom_fields"]
    assert run["status"] == "done"
    assert run["created_count"] == run["progress_done"] == run["progress_total"] == 308
    fields = await all_items(live_client, f"{base}/fields", entity_type="leads")
    assert len(fields) == 304
    assert len({f["kommo_id"] for f in fields}) == 304


async def test_an_ip_block_stops_the_sync_with_its_reason_and_no_retries(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    base, _ = await connected_workspace(live_client, engine, live_settings, kommo, kommo_client)
    kommo.block_ip()
    before = kommo.count("/api/v4/")

    runs = await sync(live_client, base, live_settings)

    assert len(runs) == 4
    for run in runs.values():
        assert run["status"] == "failed"
        assert run["attempts"] == 1
        assert run["last_error"].startswith("Kommo blocked our address: ")
        assert "retry after " in run["last_error"]
        assert " UTC (" in run["last_error"]
        assert run["finished_at"] is not None
    # The first answer blocks the account for every process: nothing is sent again.
    assert kommo.count("/api/v4/") - before <= len(runs)
    assert kommo.count("/api/v4/", status=403) >= 1


async def test_a_refused_token_fails_the_sync_with_reconnect_required(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
    redis: ArqRedis,
) -> None:
    base, tenant_id = await connected_workspace(
        live_client, engine, live_settings, kommo, kommo_client, token="revoked-token"
    )

    runs = await sync(live_client, base, live_settings, "users")

    run = runs["users"]
    assert run["status"] == "failed"
    assert run["attempts"] == 1
    assert "reconnect required" in run["last_error"]
    async with create_sessionmaker(engine)() as session:
        connection = await find_connection(session, tenant_id)
        assert connection is not None
        assert connection.status is ConnectionStatus.reconnect_required
    # No run calls Kommo with a grant it refused: a person is asked to reconnect first.
    before = kommo.count("/api/v4/")
    refused = await live_client.post(f"{base}/sync")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Kommo refused our access, reconnect required"
    async with create_sessionmaker(engine)() as session:
        [queued] = await sync_service.request_sync(session, tenant_id, [SyncKind.pipelines])
        await session.commit()
        await after_commit(session, redis)
    await run_burst(live_settings)
    async with create_sessionmaker(engine)() as session:
        latest = await sync_service.latest_runs(session, tenant_id)
    assert latest[SyncKind.pipelines].id == queued.id
    assert latest[SyncKind.pipelines].status is SyncStatus.failed
    assert "reconnect required" in (latest[SyncKind.pipelines].last_error or "")
    assert kommo.count("/api/v4/") == before
