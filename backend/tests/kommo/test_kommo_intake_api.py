"""The events list (per tenant, filtered, paginated), our own messages marked and skipped, and
the Chats API channel's signed deliveries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.client.amojo import webhook_signature
from agentplatform.kommo.connection.models import KommoConnection
from agentplatform.kommo.simulator import KommoSimulator
from agentplatform.kommo.simulator.events import message_event, webhook_body
from agentplatform.kommo.webhooks.models import KommoWebhookEvent, WebhookEventStatus
from httpx import AsyncClient
from pydantic import SecretStr
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import login
from tests.kommo.intake_support import RecordingHandler, connect_workspace, handling
from tests.worker_support import run_burst

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SECRET = "channel-secret"


@pytest.fixture
def handler() -> Iterator[RecordingHandler]:
    recording = RecordingHandler()
    with handling("message.add", recording):
        yield recording


def messages(kommo: KommoSimulator, *ids: str, incoming: bool = True) -> bytes:
    talk = kommo.state.talks[191]
    events = [
        message_event(kommo.state, talk, f"text {i}", message_id=i, incoming=incoming) for i in ids
    ]
    return webhook_body(kommo.state, kommo.base_url, events)


async def test_the_events_list_is_the_tenants_own_filtered_and_paginated(
    live_client: AsyncClient,
    client_factory: Any,
    live_app: Any,
    live_settings: Settings,
    engine: AsyncEngine,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    a = await connect_workspace(engine, live_settings, kommo, kommo_client)
    b = await connect_workspace(engine, live_settings, kommo, kommo_client)
    await live_client.post(a.url, content=messages(kommo, "a-1", "a-2", "a-3"), headers=FORM)
    await live_client.post(a.url, content=b"account[id]=1&nonsense", headers=FORM)
    await live_client.post(b.url, content=messages(kommo, "a-1", "b-1"), headers=FORM)

    await login(live_client, a.owner.user.email)
    base = f"/api/v1/tenants/{a.owner.tenant.id}/integrations/kommo/events"
    listed = (await live_client.get(base)).json()
    assert listed["total"] == 4
    kinds = [(item["kind"], item["status"]) for item in listed["items"]]
    assert sorted(kinds) == [("", "rejected")] + [("message.add", "received")] * 3
    first = listed["items"][-1]
    assert set(first) >= {"entity_type", "entity_id", "attempts", "deliveries", "received_at"}
    assert first["entity_type"] == "lead"

    rejected = (await live_client.get(base, params={"status": "rejected"})).json()
    assert [i["last_error"] for i in rejected["items"]] == [
        "the body is not form encoding: bad query field: 'nonsense'"
    ]
    by_kind = (await live_client.get(base, params={"kind": "message.add", "limit": 2})).json()
    assert (by_kind["total"], len(by_kind["items"])) == (3, 2)
    assert (await live_client.get(base, params={"status": "nope"})).status_code == 422

    # B's events are B's: the same message id is B's own row, and A cannot read B's list.
    other = f"/api/v1/tenants/{b.owner.tenant.id}/integrations/kommo/events"
    assert (await live_client.get(other)).status_code == 404
    b_client = client_factory()
    await login(b_client, b.owner.user.email)
    b_listed = (await b_client.get(other)).json()
    assert b_listed["total"] == 2


async def test_our_own_outgoing_messages_are_marked_and_skipped(
    live_client: AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
    handler: RecordingHandler,
) -> None:
    connected = await connect_workspace(engine, live_settings, kommo, kommo_client)
    admin = kommo.state.users[kommo.state.admin_id]
    maker = create_sessionmaker(engine)
    async with maker() as session:  # what the connection learns of its user's Chats API id
        connection = await session.get(KommoConnection, connected.connection_id)
        assert connection is not None
        assert connection.user_id == kommo.state.admin_id  # from the account's current user
        await session.execute(
            update(KommoConnection)
            .where(KommoConnection.id == connection.id)
            .values(user_amojo_id=str(admin["amojo_id"]))
        )
        await session.commit()

    await live_client.post(connected.url, content=messages(kommo, "in-1"), headers=FORM)
    ours = messages(kommo, "out-1", incoming=False)
    await live_client.post(connected.url, content=ours, headers=FORM)
    await run_burst(live_settings)

    assert [m for _, m in handler.seen] == ["in-1"]
    async with maker() as session:
        rows = {
            r.dedup_key: r
            for r in await session.scalars(
                select(KommoWebhookEvent).where(
                    KommoWebhookEvent.tenant_id == connected.owner.tenant.id
                )
            )
        }
    assert rows["message.add:out-1"].own is True
    assert rows["message.add:out-1"].status is WebhookEventStatus.ignored
    assert rows["message.add:out-1"].detail == "our own or an outgoing message"
    assert rows["message.add:in-1"].own is False


def chat_body(kommo: KommoSimulator, message_id: str) -> bytes:
    admin = kommo.state.users[kommo.state.admin_id]
    return orjson.dumps(
        {
            "account_id": kommo.state.amojo_id,
            "time": 1695282809,
            "message": {
                "receiver": {"id": "conv-42", "name": "Client"},
                "sender": {"id": admin["amojo_id"], "name": admin["name"]},
                "conversation": {"id": "kommo-chat", "client_id": "conv-42"},
                "timestamp": 1695282809,
                "message": {"id": message_id, "type": "text", "text": "A manager answers"},
            },
        }
    )


async def test_chats_deliveries_must_carry_the_channels_signature(
    live_app: Any,
    live_client: AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    live_app.state.settings = live_settings.model_copy(
        update={"kommo_chats_channel_secret": SecretStr(SECRET)}
    )
    connected = await connect_workspace(engine, live_settings, kommo, kommo_client)
    url = f"{connected.url}/chats"
    body = chat_body(kommo, "chat-1")
    signed = {"Content-Type": "application/json", "X-Signature": webhook_signature(SECRET, body)}

    answer = await live_client.post(url, content=body, headers=signed)
    assert answer.status_code == 200, answer.text
    assert answer.json()["stored"] == 1
    again = await live_client.post(url, content=body, headers=signed)
    assert again.json()["repeated"] == 1

    for headers in (
        {"X-Signature": webhook_signature("another secret", body)},
        {"X-Signature": webhook_signature(SECRET, body + b" ")},
        {},
    ):
        refused = await live_client.post(url, content=body, headers=headers)
        assert refused.status_code == 401
        assert refused.json()["type"].endswith("kommo-webhook-signature-rejected")

    other = body.replace(kommo.state.amojo_id.encode(), b"another-account")
    other_signed = {"X-Signature": webhook_signature(SECRET, other)}
    assert (await live_client.post(url, content=other, headers=other_signed)).status_code == 403
    junk = b"{not json"
    junk_signed = {"X-Signature": webhook_signature(SECRET, junk)}
    assert (await live_client.post(url, content=junk, headers=junk_signed)).status_code == 400

    async with create_sessionmaker(engine)() as session:
        stored = list(await session.scalars(select(KommoWebhookEvent)))
    by_status = sorted((r.status.value, r.kind, r.deliveries) for r in stored)
    assert by_status == [("received", "chat.message", 2), ("rejected", "", 1)]


async def test_a_connection_deleted_while_remembered_is_a_404(
    live_client: AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    connected = await connect_workspace(engine, live_settings, kommo, kommo_client)
    first = await live_client.post(connected.url, content=messages(kommo, "d-1"), headers=FORM)
    assert first.status_code == 200  # the process now remembers the token's connection
    async with create_sessionmaker(engine)() as session:
        await session.execute(
            delete(KommoConnection).where(KommoConnection.id == connected.connection_id)
        )
        await session.commit()

    again = await live_client.post(connected.url, content=messages(kommo, "d-2"), headers=FORM)
    assert again.status_code == 404
    assert again.headers["content-type"] == "application/problem+json"
    still = await live_client.post(connected.url, content=messages(kommo, "d-3"), headers=FORM)
    assert still.status_code == 404  # forgotten: looked up again, and not found
