"""Webhook intake end to end: the simulator's deliveries through the real endpoint, stored once
and processed once by the real worker, whatever Kommo repeats and whether Redis answers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from agentplatform.core.db import create_sessionmaker, utcnow
from agentplatform.core.redis import create_redis
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.simulator import KommoSimulator
from agentplatform.kommo.simulator.events import lead_event, message_event, webhook_body
from agentplatform.kommo.simulator.state import WON
from agentplatform.kommo.webhooks import dispatch
from agentplatform.kommo.webhooks.models import KommoWebhookEvent, WebhookEventStatus
from agentplatform.kommo.webhooks.service import delivery_counts
from arq import ArqRedis
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kommo.intake_support import Connected, RecordingHandler, connect_workspace, handling
from tests.kommo.support import Receiver
from tests.worker_support import run_burst
from worker.main import sweep_stale_work

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def handler() -> Iterator[RecordingHandler]:
    recording = RecordingHandler()
    with handling("message.add", recording):
        yield recording


@pytest.fixture
async def connected(
    engine: AsyncEngine, live_settings: Settings, kommo: KommoSimulator, kommo_client: KommoClient
) -> Connected:
    return await connect_workspace(engine, live_settings, kommo, kommo_client)


async def rows(engine: AsyncEngine, **where: Any) -> list[KommoWebhookEvent]:
    async with create_sessionmaker(engine)() as session:
        stmt = select(KommoWebhookEvent).filter_by(**where).order_by(KommoWebhookEvent.created_at)
        return list(await session.scalars(stmt))


def message_body(kommo: KommoSimulator, message_id: str, text: str = "How much?") -> bytes:
    event = message_event(kommo.state, kommo.state.talks[191], text, message_id=message_id)
    return webhook_body(kommo.state, kommo.base_url, [event])


async def test_the_same_event_delivered_five_times_is_processed_once(
    live_client: AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    kommo: KommoSimulator,
    receiver: Receiver,
    connected: Connected,
    handler: RecordingHandler,
) -> None:
    # Kommo's own delivery (a retry after a 500, then duplicates), captured, then relayed.
    event = message_event(kommo.state, kommo.state.talks[191], "Hi", message_id="m-5x")
    receiver.statuses[:] = [500]
    await asyncio.wrap_future(kommo.send_webhook([event], destination=receiver.url, duplicates=3))
    bodies = [r.body for r in receiver.received]
    assert len(bodies) == 5

    answers = await asyncio.gather(
        *(live_client.post(connected.url, content=body, headers=FORM) for body in bodies)
    )

    assert [a.status_code for a in answers] == [200] * 5
    assert sum(a.json()["stored"] for a in answers) == 1
    assert sum(a.json()["repeated"] for a in answers) == 4
    [row] = await rows(engine)
    assert (row.kind, row.entity_type, row.deliveries) == ("message.add", "lead", 5)
    assert row.dedup_key == "message.add:m-5x"
    assert row.status is WebhookEventStatus.received

    await run_burst(live_settings)

    assert handler.seen == [(connected.owner.tenant.id, "m-5x")]
    [row] = await rows(engine)
    assert (row.status, row.attempts, row.detail) == (
        WebhookEventStatus.processed,
        1,
        "answered m-5x",
    )
    assert row.processed_at is not None

    # Kommo sending it again after processing changes nothing but the count.
    again = await live_client.post(connected.url, content=bodies[0], headers=FORM)
    assert again.json() == {"stored": 0, "repeated": 1, "ignored": 0}
    await run_burst(live_settings)
    assert len(handler.seen) == 1


async def test_a_burst_while_redis_is_down_loses_nothing_and_the_sweep_sends_it_later(
    live_app: Any,
    live_client: AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    redis: ArqRedis,
    kommo: KommoSimulator,
    connected: Connected,
    handler: RecordingHandler,
) -> None:
    dead = create_redis("redis://127.0.0.1:9", timeout=0.5)  # nothing listens there
    live_app.state.arq = dead
    started = time.monotonic()
    answers = await asyncio.gather(
        *(
            live_client.post(connected.url, content=message_body(kommo, f"m-{i}"), headers=FORM)
            for i in range(20)
        )
    )
    took = time.monotonic() - started
    await dead.aclose()

    assert [a.status_code for a in answers] == [200] * 20
    assert took < 10, took
    stored = await rows(engine)
    assert len(stored) == 20
    assert {r.status for r in stored} == {WebhookEventStatus.received}
    assert await redis.zcard("arq:queue") == 0  # no job reached Redis

    # Redis is back; the sweep finds rows waiting too long with nobody on them.
    live_app.state.arq = redis
    async with create_sessionmaker(engine)() as session:
        await session.execute(
            update(KommoWebhookEvent).values(updated_at=utcnow() - timedelta(minutes=10))
        )
        await session.commit()
    ctx = {"sessionmaker": create_sessionmaker(engine), "redis": redis, "settings": live_settings}
    assert await sweep_stale_work(ctx) == 20

    await run_burst(live_settings)

    assert sorted(m for _, m in handler.seen) == sorted(f"m-{i}" for i in range(20))
    assert {r.status for r in await rows(engine)} == {WebhookEventStatus.processed}


async def test_unreadable_bodies_are_refused_and_kept_for_inspection(
    live_client: AsyncClient, engine: AsyncEngine, connected: Connected
) -> None:
    body = b"account[id]=1&account[subdomain]=acme&leads]add[=1"
    answer = await live_client.post(connected.url, content=body, headers=FORM)

    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"].endswith("kommo-webhook-rejected")
    assert "bracket key" in problem["detail"]
    [row] = await rows(engine)
    assert (row.status, row.raw_body, row.kind) == (WebhookEventStatus.rejected, body, "")
    assert row.last_error == problem["detail"]
    assert row.payload is None

    not_form = await live_client.post(connected.url, content=b"\xff\xfe", headers=FORM)
    assert not_form.status_code == 400
    assert "UTF-8" in not_form.json()["detail"]
    assert len(await rows(engine, status=WebhookEventStatus.rejected)) == 2


async def test_a_kind_nothing_handles_is_kept_as_ignored(
    live_client: AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    kommo: KommoSimulator,
    connected: Connected,
) -> None:
    account = f"account[id]={kommo.state.account_id}&account[subdomain]=acme"
    body = f"{account}&catalogs[add][0][id]=7&catalogs[add][0][name]=Prices".encode()
    answer = await live_client.post(connected.url, content=body, headers=FORM)
    assert answer.status_code == 200
    assert answer.json() == {"stored": 0, "repeated": 0, "ignored": 1}
    [row] = await rows(engine)
    assert (row.status, row.kind, row.entity_id) == (
        WebhookEventStatus.ignored,
        "catalogs.add",
        "7",
    )
    assert row.processed_at is not None

    # A kind we read but nobody registered a handler for: processed to "ignored", with why.
    lead = next(iter(kommo.state.entities["leads"].values()))
    status = lead_event("status", {**lead, "status_id": WON}, lead)
    body = webhook_body(kommo.state, kommo.base_url, [status])
    assert (await live_client.post(connected.url, content=body, headers=FORM)).json()["stored"] == 1
    await run_burst(live_settings)
    [row] = await rows(engine, kind="lead.status")
    assert (row.status, row.detail) == (WebhookEventStatus.ignored, "No handler for lead.status")


async def test_another_account_or_an_unknown_token_is_refused(
    live_client: AsyncClient, engine: AsyncEngine, kommo: KommoSimulator, connected: Connected
) -> None:
    other = f"account[id]={kommo.state.account_id + 1}&account[subdomain]=acme&".encode()
    body = other + message_body(kommo, "m-1").split(b"&", 3)[-1]
    answer = await live_client.post(connected.url, content=body, headers=FORM)
    assert answer.status_code == 403
    assert answer.json()["type"].endswith("kommo-webhook-account-mismatch")

    renamed = message_body(kommo, "m-1").replace(b"=acme&", b"=evil&")
    assert (await live_client.post(connected.url, content=renamed, headers=FORM)).status_code == 403

    for token in ("kwh_nobody", "x" * 500):
        unknown = await live_client.post(
            f"/api/v1/hooks/kommo/{token}", content=message_body(kommo, "m-1"), headers=FORM
        )
        assert unknown.status_code == 404
        assert unknown.headers["content-type"] == "application/problem+json"
    assert await rows(engine) == []


async def test_handlers_fail_for_good_or_retry_and_the_counts_say_so(
    live_client: AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    kommo: KommoSimulator,
    connected: Connected,
) -> None:
    calls: list[str] = []

    async def flaky(ctx: dispatch.HandlerContext, tenant_id: Any, event: Any) -> dispatch.Outcome:
        calls.append(event.id)
        if event.id == "m-bad":
            raise dispatch.PermanentFailure("the lead is gone")
        if event.id == "m-flaky" and calls.count("m-flaky") == 1:
            raise RuntimeError("Kommo timed out")
        return dispatch.Outcome.processed()

    with handling("message.add", flaky):
        for message_id in ("m-bad", "m-flaky"):
            body = message_body(kommo, message_id)
            assert (await live_client.post(connected.url, content=body, headers=FORM)).is_success
        await run_burst(live_settings)

    bad, flaky_row = (
        await rows(engine, dedup_key="message.add:m-bad"),
        await rows(engine, dedup_key="message.add:m-flaky"),
    )
    assert (bad[0].status, bad[0].last_error, bad[0].attempts) == (
        WebhookEventStatus.failed,
        "the lead is gone",
        1,
    )
    assert (flaky_row[0].status, flaky_row[0].attempts) == (WebhookEventStatus.processed, 2)
    assert calls.count("m-flaky") == 2

    async with create_sessionmaker(engine)() as session:
        tenant = connected.owner.tenant.id
        assert await delivery_counts(session, tenant, utcnow() - timedelta(hours=1)) == (2, 1)
        assert await delivery_counts(session, tenant, utcnow() + timedelta(hours=1)) == (0, 0)
