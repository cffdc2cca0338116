"""From a customer's chat message in Kommo to the agent's answer in that chat, through the real
worker and the simulator's Chats API: one answer per burst, in order, never twice, never to
itself, quiet while a person answers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from agentplatform.agents.models import Agent, AgentStatus
from agentplatform.chat.models import Channel, Conversation, Message, MessageRole
from agentplatform.core.db import create_sessionmaker, unit_of_work
from agentplatform.core.settings import Settings
from agentplatform.kommo.answering.intake import IncomingChatMessage, Outcome, receive_message
from agentplatform.kommo.answering.replying import DELIVERY, answer_conversation
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.connection.models import AuthKind
from agentplatform.kommo.connection.service import (
    WEBHOOK_PATH,
    get_connection,
    save_connection,
    webhook_token,
)
from agentplatform.kommo.simulator import KommoSimulator
from agentplatform.kommo.simulator.chats import Channel as ChatChannel
from agentplatform.kommo.simulator.events import message_event, webhook_body
from agentplatform.kommo.webhooks.models import KommoWebhookEvent, WebhookEventStatus
from arq import ArqRedis
from httpx import AsyncClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.factories import create_owner
from tests.worker_support import run_burst

TALK = 191  # the simulator's seeded talk, on the first lead of the main pipeline


@dataclass
class Workspace:
    maker: async_sessionmaker[AsyncSession]
    settings: Settings
    tenant_id: uuid.UUID
    agent_id: uuid.UUID
    channel: ChatChannel


@pytest.fixture
async def workspace(
    engine: AsyncEngine, settings: Settings, kommo: KommoSimulator, kommo_client: KommoClient
) -> Workspace:
    """A workspace connected to the simulator, with its Chats API channel and an active agent
    serving the main pipeline."""
    channel = kommo.register_chat_channel()
    live = settings.model_copy(
        update={
            "kommo_chats_channel_id": channel.channel_id,
            "kommo_chats_channel_secret": SecretStr(channel.secret),
            "kommo_chats_bot_id": channel.bot_id,
            "kommo_chats_base_url": kommo.base_url,
            "kommo_reply_quiet_seconds": 0.0,
        }
    )
    maker = create_sessionmaker(engine)
    async with maker() as session:
        owner = await create_owner(session)
        await save_connection(
            session,
            live,
            owner.tenant.id,
            base_url=kommo.base_url,
            account=await kommo_client.account(),
            auth_kind=AuthKind.long_lived,
            access_token=kommo.token,
        )
        agent = Agent(
            tenant_id=owner.tenant.id,
            name="Ana",
            status=AgentStatus.active,
            instructions="Answer the customer's questions briefly.",
            kommo={"pipeline_ids": [kommo.state.main_pipeline()["id"]]},
            tools=[],
            human_pause_minutes=30,
        )
        session.add(agent)
        await session.commit()
        return Workspace(maker, live, owner.tenant.id, agent.id, channel)


def _hook_item(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as Kommo's form encoding delivers it: every value a string."""
    return {
        key: _hook_item(value) if isinstance(value, dict) else str(value)
        for key, value in payload.items()
    }


async def write(
    ws: Workspace,
    kommo: KommoSimulator,
    redis: ArqRedis,
    text: str,
    *,
    incoming: bool = True,
    message_id: str | None = None,
) -> Outcome:
    event = message_event(
        kommo.state,
        kommo.state.talks[TALK],
        text,
        message_id=message_id or str(uuid.uuid4()),
        incoming=incoming,
    )
    message = IncomingChatMessage.from_hook(_hook_item(event.payload))
    async with unit_of_work(ws.maker, redis) as session:
        connection = await get_connection(session, ws.tenant_id)
        return await receive_message(session, ws.maker, ws.settings, redis, connection, message)


async def conversation_messages(ws: Workspace) -> tuple[Conversation, list[Message]]:
    async with ws.maker() as session:
        conversation = await session.scalar(
            select(Conversation).where(
                Conversation.tenant_id == ws.tenant_id, Conversation.channel == Channel.kommo
            )
        )
        assert conversation is not None
        messages = await session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation.id)
            .order_by(Message.created_at, Message.id)
        )
        return conversation, list(messages)


def sent_texts(ws: Workspace) -> list[str]:
    return [m["message"]["text"] for m in ws.channel.messages.values()]


async def test_a_customer_message_is_answered_once_in_its_chat(
    workspace: Workspace, kommo: KommoSimulator, redis: ArqRedis
) -> None:
    assert await write(workspace, kommo, redis, "How much is the premium plan?") == "queued"
    await run_burst(workspace.settings)

    conversation, messages = await conversation_messages(workspace)
    talk = kommo.state.talks[TALK]
    assert conversation.external_talk_id == str(TALK)
    assert conversation.external_lead_id == str(talk["entity_id"])
    assert conversation.external_chat_id == talk["chat_id"]
    assert [m.role for m in messages] == [MessageRole.user, MessageRole.assistant]
    answer = messages[1]
    assert answer.offline  # no AI provider here: the offline responder, labelled as such
    assert answer.context[DELIVERY]["via"] == "chats_api"
    assert sent_texts(workspace) == [answer.content]
    sent = workspace.channel.messages[f"reply:{answer.id}"]
    assert sent["conversation_ref_id"] == talk["chat_id"]

    await run_burst(workspace.settings)  # nothing new: nothing more is sent
    assert len(workspace.channel.messages) == 1


async def test_a_burst_gets_one_answer_and_the_next_message_its_own(
    workspace: Workspace, kommo: KommoSimulator, redis: ArqRedis
) -> None:
    for text in ("Hi", "I want the premium plan", "How much is it?"):
        assert await write(workspace, kommo, redis, text) == "queued"
    await run_burst(workspace.settings)
    _, messages = await conversation_messages(workspace)
    assert [m.role for m in messages].count(MessageRole.assistant) == 1
    assert len(workspace.channel.messages) == 1

    assert await write(workspace, kommo, redis, "And the basic one?") == "queued"
    await run_burst(workspace.settings)
    _, messages = await conversation_messages(workspace)
    roles = [m.role for m in messages]
    assert roles == [MessageRole.user] * 3 + [MessageRole.assistant] + [
        MessageRole.user,
        MessageRole.assistant,
    ]
    assert sent_texts(workspace) == [messages[3].content, messages[5].content]


async def test_a_redelivered_message_and_the_agents_own_echo_are_not_answered(
    workspace: Workspace, kommo: KommoSimulator, redis: ArqRedis
) -> None:
    assert await write(workspace, kommo, redis, "Hello?", message_id="m-1") == "queued"
    assert await write(workspace, kommo, redis, "Hello?", message_id="m-1") == "duplicate"
    await run_burst(workspace.settings)
    _, messages = await conversation_messages(workspace)
    answer = messages[-1].content
    # Kommo echoes what we sent through the same hook, as an outgoing message: not a person.
    assert await write(workspace, kommo, redis, answer, incoming=False) == "own"
    conversation, messages = await conversation_messages(workspace)
    assert conversation.paused_until is None
    assert len(messages) == 2


async def test_a_person_answering_in_kommo_makes_the_agent_wait(
    workspace: Workspace, kommo: KommoSimulator, redis: ArqRedis
) -> None:
    assert await write(workspace, kommo, redis, "Can I talk to someone?") == "queued"
    await run_burst(workspace.settings)
    reply = "Hi, this is Maria from sales."
    assert await write(workspace, kommo, redis, reply, incoming=False) == "stored"
    conversation, _ = await conversation_messages(workspace)
    assert conversation.paused_until is not None

    assert await write(workspace, kommo, redis, "Thanks Maria!") == "queued"
    await run_burst(workspace.settings)
    _, messages = await conversation_messages(workspace)
    assert [m.role for m in messages][-2:] == [MessageRole.human, MessageRole.user]
    assert len(workspace.channel.messages) == 1  # only the first answer, before Maria


async def test_an_answer_that_could_not_be_sent_is_sent_once_later_never_written_twice(
    workspace: Workspace, kommo: KommoSimulator, redis: ArqRedis
) -> None:
    assert await write(workspace, kommo, redis, "Do you ship to Lisbon?") == "queued"
    broken = workspace.settings.model_copy(
        update={"kommo_chats_channel_secret": SecretStr("not-the-secret")}
    )
    conversation, _ = await conversation_messages(workspace)
    outcome = await answer_conversation(
        workspace.maker, redis, broken, redis, workspace.tenant_id, conversation.id
    )
    assert outcome == "not_sent"
    _, messages = await conversation_messages(workspace)
    assert messages[-1].role is MessageRole.assistant
    assert messages[-1].error is not None
    assert messages[-1].error.startswith("Not sent to Kommo")
    assert not workspace.channel.messages

    for _ in range(2):  # the job again (a retry, a new message's job): sent once, not rewritten
        await answer_conversation(
            workspace.maker, redis, workspace.settings, redis, workspace.tenant_id, conversation.id
        )
    _, after = await conversation_messages(workspace)
    assert len(after) == 2
    assert after[-1].id == messages[-1].id
    assert after[-1].error is None
    assert sent_texts(workspace) == [after[-1].content]


async def test_a_lead_in_a_pipeline_no_agent_serves_is_left_to_people(
    workspace: Workspace, kommo: KommoSimulator, redis: ArqRedis
) -> None:
    async with workspace.maker() as session:
        agent = await session.get(Agent, workspace.agent_id)
        assert agent is not None
        agent.kommo = {"pipeline_ids": [123456789]}
        await session.commit()
    assert await write(workspace, kommo, redis, "Anyone there?") == "no_agent"


async def test_a_message_kommo_posts_to_the_webhook_is_answered_once(
    workspace: Workspace, kommo: KommoSimulator, redis: ArqRedis, live_client: AsyncClient
) -> None:
    """The whole way: Kommo's form-encoded hook, delivered twice, through the API's intake and
    the webhook event's job to the agent's answer in the chat."""
    async with workspace.maker() as session:
        connection = await get_connection(session, workspace.tenant_id)
        url = f"{WEBHOOK_PATH}/{webhook_token(workspace.settings, connection)}"
    event = message_event(
        kommo.state, kommo.state.talks[TALK], "Is there a free trial?", message_id="m-42"
    )
    body = webhook_body(kommo.state, kommo.base_url, [event])
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for _ in range(2):  # Kommo retries a delivery it thinks failed
        assert (await live_client.post(url, content=body, headers=form)).status_code == 200
    await run_burst(workspace.settings)

    _, messages = await conversation_messages(workspace)
    assert [m.role for m in messages] == [MessageRole.user, MessageRole.assistant]
    assert sent_texts(workspace) == [messages[1].content]
    async with workspace.maker() as session:
        row = await session.scalar(
            select(KommoWebhookEvent).where(KommoWebhookEvent.tenant_id == workspace.tenant_id)
        )
        assert row is not None
        assert (row.status, row.detail, row.deliveries) == (
            WebhookEventStatus.processed,
            "The agent answers",
            2,
        )
