"""A Kommo sync that fails for good is posted to the workspace's Slack, by the real worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoClient, KommoRateLimiter
from agentplatform.kommo.simulator import KommoSimulator
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kommo.sync_support import connected_workspace, sync
from tests.simulators.slack import SlackSimulator


@pytest.fixture
async def live_settings(settings: Settings, tmp_path: Path, slack: SlackSimulator) -> Settings:
    return settings.model_copy(
        update={"storage_dir": tmp_path / "storage", "slack_allow_loopback": True}
    )


async def test_a_blocked_sync_is_posted_to_slack_once_per_failed_run(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
    slack: SlackSimulator,
    limiter: KommoRateLimiter,
) -> None:
    base, _ = await connected_workspace(live_client, engine, live_settings, kommo, kommo_client)
    slack_base = base.replace("/integrations/kommo", "/integrations/slack")
    put = await live_client.put(
        slack_base, json={"kind": "webhook", "webhook_url": slack.new_webhook()}
    )
    assert put.status_code == 200, put.text
    kommo.block_ip()

    runs = await sync(live_client, base, live_settings, "users", "sources")

    assert {run["status"] for run in runs.values()} == {"failed"}
    texts = sorted(m.text or "" for m in slack.messages)
    assert len(texts) == 2
    assert texts[0].startswith("The Kommo sync of sources failed in ")
    assert texts[1].startswith("The Kommo sync of users failed in ")
    assert all("Kommo blocked our address" in text for text in texts)

    # A sync that succeeds posts nothing.
    kommo.unblock_ip()
    await limiter.unblock(kommo.account_host)  # the client's cool-down, shared in Redis
    done = await sync(live_client, base, live_settings, "pipelines")
    assert done["pipelines"]["status"] == "done"
    assert len(slack.messages) == 2
