"""Replies to the client: through the integration's Chats API channel (signed, connected on first
use, sent once per key) or a salesbot showing a lead field; neither configured is a clear error."""

from __future__ import annotations

import uuid

import pytest
from agentplatform.chat.crm import CrmEnv, lead_facts
from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.kommo.actions.reply import (
    ReplyNotConfigured,
    configure_salesbot_reply,
    send_reply,
)
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.connection.service import get_connection
from agentplatform.kommo.simulator import KommoSimulator
from arq import ArqRedis
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.kommo.test_kommo_actions import connect, first_lead


@pytest.fixture
def maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)  # for a token refresh (a long-lived token needs none)


@pytest.fixture
async def tenant(
    db: AsyncSession, settings: Settings, kommo: KommoSimulator, kommo_client: KommoClient
) -> uuid.UUID:
    return await connect(db, settings, kommo, kommo_client)


async def test_a_reply_through_the_chats_api_reaches_the_chat_once(
    db: AsyncSession,
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    redis: ArqRedis,
    kommo: KommoSimulator,
    tenant: uuid.UUID,
) -> None:
    channel = kommo.register_chat_channel()
    with_channel = settings.model_copy(
        update={
            "kommo_chats_channel_id": channel.channel_id,
            "kommo_chats_channel_secret": SecretStr(channel.secret),
            "kommo_chats_bot_id": channel.bot_id,
            "kommo_chats_base_url": kommo.base_url,
        }
    )
    connection = await get_connection(db, tenant)
    lead = first_lead(kommo)

    sent = await send_reply(
        db,
        maker,
        with_channel,
        redis,
        connection,
        lead_id=lead["id"],
        text="The premium plan is $49 a month.",
        key="reply:msg-1",
        chat_id="conv-42",
        receiver_id="client-42",
        kommo_chat_id="kommo-chat-1",
    )
    assert (sent.via, sent.message_id, sent.already_sent) == ("chats_api", "reply:msg-1", False)
    assert f"{channel.channel_id}_{kommo.state.amojo_id}" in channel.scopes  # connected on use
    message = channel.messages["reply:msg-1"]
    assert message["message"] == {"type": "text", "text": "The premium plan is $49 a month."}
    assert message["sender"]["ref_id"] == channel.bot_id
    assert message["conversation_ref_id"] == "kommo-chat-1"
    assert (message["conversation_id"], message["receiver"]) == ("conv-42", {"id": "client-42"})
    assert sent.request["json"]["payload"] == message

    posted = kommo.count("/v2/origin/custom", method="POST")
    again = await send_reply(
        db,
        maker,
        with_channel,
        redis,
        connection,
        lead_id=lead["id"],
        text="The premium plan is $49 a month.",
        key="reply:msg-1",
        chat_id="conv-42",
    )
    assert (again.already_sent, again.message_id) == (True, "reply:msg-1")
    assert kommo.count("/v2/origin/custom", method="POST") == posted


async def test_a_reply_through_a_salesbot_writes_the_field_then_runs_the_bot(
    db: AsyncSession,
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    redis: ArqRedis,
    kommo: KommoSimulator,
    tenant: uuid.UUID,
) -> None:
    connection = await get_connection(db, tenant)
    lead = first_lead(kommo)
    with pytest.raises(ReplyNotConfigured):
        await send_reply(
            db, maker, settings, redis, connection, lead_id=lead["id"], text="Hi", key="r1"
        )
    field_id = kommo.state.next_id()
    kommo.state.custom_fields["leads"][field_id] = {
        "id": field_id,
        "name": "AI reply",
        "type": "textarea",
        "code": None,
        "sort": 600,
        "is_api_only": True,
        "entity_type": "leads",
        "enums": None,
    }
    connection = await configure_salesbot_reply(db, tenant, bot_id=565, field_id=field_id)

    sent = await send_reply(
        db, maker, settings, redis, connection, lead_id=lead["id"], text="Hello Jane!", key="r1"
    )
    assert (sent.via, sent.message_id) == ("salesbot", None)
    (run,) = kommo.state.salesbot_runs
    assert (run["bot_id"], run["entity_id"], run["entity_type"]) == (565, lead["id"], 2)
    shown = next(f for f in run["fields"] if f["field_id"] == field_id)
    assert shown["values"] == [{"value": "Hello Jane!"}]
    assert [step["path"] for step in sent.request["steps"]] == [
        f"/api/v4/leads/{lead['id']}",
        "/api/v2/salesbot/run",
    ]
    again = await send_reply(
        db, maker, settings, redis, connection, lead_id=lead["id"], text="Hello Jane!", key="r1"
    )
    assert again.already_sent
    assert len(kommo.state.salesbot_runs) == 1
    facts = await lead_facts(db, tenant, str(lead["id"]), env=CrmEnv(settings, redis))
    assert "Interest: Premium" in facts
    assert not any("Hello Jane" in line for line in facts)  # the reply field is not a fact
    with pytest.raises(ReplyNotConfigured):  # a salesbot needs the lead
        await send_reply(db, maker, settings, redis, connection, lead_id=None, text="Hi", key="r2")
