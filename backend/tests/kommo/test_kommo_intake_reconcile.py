"""Reconciliation with Kommo's events log: webhooks that never came are stored from the log
through the same dedup keys, so nothing is stored or processed twice, whichever comes first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.connection.models import KommoConnection
from agentplatform.kommo.simulator import KommoSimulator
from agentplatform.kommo.simulator.events import webhook_body
from agentplatform.kommo.simulator.state import WON
from agentplatform.kommo.webhooks.models import KommoWebhookEvent, WebhookEventStatus
from agentplatform.kommo.webhooks.reconcile import reconcile_all
from arq import ArqRedis
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kommo.intake_support import RecordingHandler, connect_workspace, handling
from tests.worker_support import run_burst

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def handler() -> Iterator[RecordingHandler]:
    recording = RecordingHandler()
    with handling("message.add", recording):
        yield recording


async def test_the_events_log_is_served_and_read_by_type_and_time(
    kommo: KommoSimulator, kommo_client: KommoClient
) -> None:
    lead_id = min(kommo.state.entities["leads"])
    kommo.auto_webhooks = False
    kommo.move_lead(lead_id, WON)
    kommo.client_message(191, "Anyone there?", message_id="m-log")

    everything = [e async for e in kommo_client.iter_events()]
    assert sorted(e.type for e in everything) == ["incoming_chat_message", "lead_status_changed"]
    [moved] = [e async for e in kommo_client.iter_events(types=["lead_status_changed"])]
    assert (moved.entity_id, moved.entity_type) == (lead_id, "lead")
    assert moved.value_after == [
        {
            "lead_status": {
                "id": WON,
                "pipeline_id": kommo.state.entities["leads"][lead_id]["pipeline_id"],
            }
        }
    ]
    later = [e async for e in kommo_client.iter_events(since=moved.created_at + 3600)]
    assert later == []


async def test_missed_webhooks_are_stored_from_the_log_once(
    live_client: AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    redis: ArqRedis,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
    handler: RecordingHandler,
) -> None:
    connected = await connect_workspace(engine, live_settings, kommo, kommo_client)
    maker = create_sessionmaker(engine)
    lost, delivered = sorted(kommo.state.entities["leads"])[:2]
    kommo.auto_webhooks = False  # Kommo logs the changes; these webhooks never arrive ...
    kommo.move_lead(lost, WON)
    late_message = kommo.client_message(191, "Hello? Is anyone there?", message_id="lost-1")
    # ... and this one does.
    arrived = kommo.move_lead(delivered, WON)
    body = webhook_body(kommo.state, kommo.base_url, arrived)
    assert (await live_client.post(connected.url, content=body, headers=FORM)).is_success

    assert await reconcile_all(maker, live_settings, redis) == 2

    async with maker() as session:
        rows = {
            f"{r.kind}:{r.entity_id}" if r.kind.startswith("lead.") else r.kind: r
            for r in await session.scalars(select(KommoWebhookEvent))
        }
        connection = await session.get(KommoConnection, connected.connection_id)
    assert set(rows) == {
        f"lead.status:{lost}",
        f"lead.status:{delivered}",
        f"lead.update:{delivered}",
        "message.add",
    }
    assert rows[f"lead.status:{lost}"].deliveries == 0  # found in the log, never delivered
    assert rows[f"lead.status:{delivered}"].deliveries == 1  # the webhook's, not stored again
    assert rows["message.add"].dedup_key == "message.add:lost-1"
    assert connection is not None
    assert connection.events_cursor is not None
    admin = kommo.state.users[kommo.state.admin_id]
    assert connection.user_amojo_id == admin["amojo_id"]  # who "we" are, learnt on the way

    assert await reconcile_all(maker, live_settings, redis) == 0  # read again: nothing new
    await run_burst(live_settings)
    assert [m for _, m in handler.seen] == ["lost-1"]

    # The message's webhook comes at last (a late retry): a repeat, not a second turn.
    late = webhook_body(kommo.state, kommo.base_url, [late_message])
    answer = await live_client.post(connected.url, content=late, headers=FORM)
    assert answer.json() == {"stored": 0, "repeated": 1, "ignored": 0}
    await run_burst(live_settings)
    assert [m for _, m in handler.seen] == ["lost-1"]
    async with maker() as session:
        message = await session.scalar(
            select(KommoWebhookEvent).where(KommoWebhookEvent.dedup_key == "message.add:lost-1")
        )
    assert message is not None
    assert (message.status, message.deliveries) == (WebhookEventStatus.processed, 1)
