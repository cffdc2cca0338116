"""Slack notifications against a local Slack that speaks its wire protocols: setting a webhook or
a bot, Slack's answers reported, the secret never shown, and hand-offs posted by the worker."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from agentplatform.chat.tools import HANDED_OFF
from agentplatform.core.db import create_sessionmaker, unit_of_work
from agentplatform.core.events import emit
from agentplatform.core.settings import Settings
from agentplatform.notifications.models import SlackIntegration
from agentplatform.notifications.slack import SlackClient, SlackMessage, webhook_url_problem
from arq import ArqRedis
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import signed_in_workspace
from tests.simulators.slack import SlackSimulator
from tests.worker_support import run_burst


@pytest.fixture
async def live_settings(settings: Settings, tmp_path: Path, slack: SlackSimulator) -> Settings:
    return settings.model_copy(
        update={
            "storage_dir": tmp_path / "storage",
            "slack_allow_loopback": True,
            "slack_api_base_url": slack.api_base_url,
        }
    )


async def _slack_base(http: AsyncClient, engine: AsyncEngine) -> tuple[str, uuid.UUID]:
    base, tenant_id = await signed_in_workspace(http, engine)
    return f"{base}/integrations/slack", tenant_id


async def test_a_webhook_is_set_tested_and_never_shown(
    live_client: AsyncClient, engine: AsyncEngine, slack: SlackSimulator
) -> None:
    base, tenant_id = await _slack_base(live_client, engine)
    assert (await live_client.get(base)).json()["configured"] is False
    url = slack.new_webhook("#sales")

    put = await live_client.put(base, json={"kind": "webhook", "webhook_url": url})
    assert put.status_code == 200, put.text
    assert put.json()["configured"] is True
    assert put.json()["kind"] == "webhook"
    assert put.json()["secret_last_four"] == url[-4:]
    tested = await live_client.post(f"{base}/test")
    status = await live_client.get(base)

    assert tested.status_code == 200
    assert tested.json() == {
        "ok": True,
        "slack_status": 200,
        "error": None,
        "detail": "Slack accepted the message",
    }
    [posted] = slack.messages
    assert (posted.via, posted.channel) == ("webhook", "#sales")
    assert posted.text is not None
    assert posted.text.startswith("Test message")
    assert posted.blocks is not None
    assert posted.blocks[0]["type"] == "section"
    assert status.json()["last_delivery_ok"] is True
    assert status.json()["last_delivery_at"] is not None
    secret_part = url.rsplit("/", 1)[-1]
    for answer in (put, tested, status):
        assert secret_part not in answer.text
    async with create_sessionmaker(engine)() as session:
        row = await session.scalar(
            select(SlackIntegration).where(SlackIntegration.tenant_id == tenant_id)
        )
        assert row is not None
        assert secret_part not in row.secret_encrypted


async def test_slack_refusing_a_webhook_is_reported_and_recorded(
    live_client: AsyncClient, engine: AsyncEngine, slack: SlackSimulator
) -> None:
    base, _ = await _slack_base(live_client, engine)
    revoked = f"{slack.base_url}/services/T000/B000/revokedsecret123"
    await live_client.put(base, json={"kind": "webhook", "webhook_url": revoked})

    tested = (await live_client.post(f"{base}/test")).json()

    assert tested["ok"] is False
    assert (tested["slack_status"], tested["error"]) == (404, "no_service")
    status = (await live_client.get(base)).json()
    assert status["last_delivery_ok"] is False
    assert "no_service" in status["last_delivery_error"]

    archived = slack.new_webhook()
    slack.archive(archived)
    await live_client.put(base, json={"kind": "webhook", "webhook_url": archived})
    gone = (await live_client.post(f"{base}/test")).json()
    assert (gone["slack_status"], gone["error"]) == (410, "channel_is_archived")


async def test_the_client_reads_slacks_invalid_payload(
    live_settings: Settings, slack: SlackSimulator
) -> None:
    async with SlackClient(live_settings) as client:
        answer = await client.post_webhook(slack.new_webhook(), SlackMessage(text=""))
    assert not answer.ok
    assert (answer.status, answer.error) == (400, "invalid_payload")
    assert slack.messages == []


async def test_a_bot_posts_with_its_token_to_its_channel(
    live_client: AsyncClient, engine: AsyncEngine, slack: SlackSimulator
) -> None:
    base, _ = await _slack_base(live_client, engine)
    token = slack.new_bot_token("C0ALERTS")
    put = await live_client.put(
        base, json={"kind": "bot", "bot_token": token, "channel": "C0ALERTS"}
    )
    assert put.status_code == 200, put.text
    assert put.json()["channel"] == "C0ALERTS"
    assert token not in put.text

    assert (await live_client.post(f"{base}/test")).json()["ok"] is True
    [posted] = slack.messages
    assert (posted.via, posted.channel) == ("api", "C0ALERTS")

    # The token is kept when only the channel changes; Slack's refusal comes back as it is.
    moved = await live_client.put(base, json={"kind": "bot", "channel": "C0NOWHERE"})
    assert moved.status_code == 200, moved.text
    refused = (await live_client.post(f"{base}/test")).json()
    assert refused["ok"] is False
    assert (refused["slack_status"], refused["error"]) == (200, "channel_not_found")
    outside = await live_client.put(base, json={"kind": "bot", "channel": "C0GENERAL"})
    assert outside.status_code == 200
    assert (await live_client.post(f"{base}/test")).json()["error"] == "not_in_channel"
    await live_client.put(
        base, json={"kind": "bot", "bot_token": "xoxb-1-forged", "channel": "C0ALERTS"}
    )
    assert (await live_client.post(f"{base}/test")).json()["error"] == "invalid_auth"


async def test_a_rate_limit_is_waited_out(
    live_client: AsyncClient, engine: AsyncEngine, slack: SlackSimulator
) -> None:
    base, _ = await _slack_base(live_client, engine)
    await live_client.put(base, json={"kind": "webhook", "webhook_url": slack.new_webhook()})
    slack.fail_next(1, 429, retry_after=1)

    assert (await live_client.post(f"{base}/test")).json()["ok"] is True
    assert slack.requests == 2
    assert len(slack.messages) == 1


async def test_bad_settings_are_refused_naming_the_field(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base, _ = await _slack_base(live_client, engine)
    cases = [
        (
            {"kind": "webhook", "webhook_url": "https://evil.example.com/services/T/B/x"},
            "webhook_url",
        ),
        (
            {"kind": "webhook", "webhook_url": "http://hooks.slack.com/services/T/B/x"},
            "webhook_url",
        ),
        ({"kind": "webhook"}, "webhook_url"),
        ({"kind": "bot", "bot_token": "xoxb-1-2"}, "channel"),
        ({"kind": "bot", "channel": "C0ALERTS"}, "bot_token"),
        ({"kind": "bot", "bot_token": "not-a-token", "channel": "C0ALERTS"}, "bot_token"),
        ({"kind": "bot", "bot_token": "xoxb-1", "channel": "has space"}, "channel"),
        ({"kind": "email"}, "kind"),
    ]
    for body, field in cases:
        answer = await live_client.put(base, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in answer.json()["errors"]] == [f"body.{field}"], body
    assert (await live_client.get(base)).json()["configured"] is False

    default = Settings(env="test")
    assert webhook_url_problem("https://hooks.slack.com/services/T1/B1/abc", default) is None
    assert webhook_url_problem("http://127.0.0.1:9/services/T1/B1/abc", default) is not None
    assert webhook_url_problem("https://hooks.slack.com.evil.io/services/T/B/x", default)
    assert webhook_url_problem("http://127.0.0.1:9/services/T1/B1/abc", live_settings) is None


async def test_removing_slack_stops_everything(
    live_client: AsyncClient, engine: AsyncEngine, slack: SlackSimulator
) -> None:
    base, _ = await _slack_base(live_client, engine)
    await live_client.put(base, json={"kind": "webhook", "webhook_url": slack.new_webhook()})

    assert (await live_client.delete(base)).status_code == 204
    assert (await live_client.get(base)).json()["configured"] is False
    missing = await live_client.post(f"{base}/test")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Slack is not configured for this workspace"
    assert slack.messages == []


async def test_a_hand_off_is_posted_by_the_worker(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    slack: SlackSimulator,
    redis: ArqRedis,
) -> None:
    base, tenant_id = await _slack_base(live_client, engine)
    await live_client.put(base, json={"kind": "webhook", "webhook_url": slack.new_webhook()})
    maker = create_sessionmaker(engine)

    async with unit_of_work(maker, redis) as session:
        emit(
            session,
            HANDED_OFF,
            tenant_id=str(tenant_id),
            conversation_id=str(uuid.uuid4()),
            reason="Wants a refund <now> & fast",
        )
    await run_burst(live_settings)

    [posted] = slack.messages
    assert posted.text is not None
    assert "needs a person: Wants a refund <now> & fast" in posted.text
    assert posted.blocks is not None
    assert "Wants a refund &lt;now&gt; &amp; fast" in posted.blocks[0]["text"]["text"]
    assert (await live_client.get(base)).json()["last_delivery_ok"] is True

    # Hand-offs switched off: the next one is not posted.
    await live_client.put(
        base, json={"kind": "webhook", "notify_handoffs": False, "notify_sync_failures": True}
    )
    async with unit_of_work(maker, redis) as session:
        emit(
            session,
            HANDED_OFF,
            tenant_id=str(tenant_id),
            conversation_id=str(uuid.uuid4()),
            reason="Again",
        )
    await run_burst(live_settings)
    assert len(slack.messages) == 1
