"""An agent's profile (instructions and the rest a turn needs) is read from Redis while its epoch
holds, and every change to the agent (update, restore, deletion) or to its provider is seen by
the very next turn."""

from __future__ import annotations

import pytest
from agentplatform.agents.profile import PROFILE_PREFIX, load_profile
from agentplatform.core.db import create_sessionmaker
from agentplatform.core.errors import NotFound
from arq import ArqRedis
from httpx import AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.chat.test_chat_api import agent, workspace


class _Queries:
    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._seen)
        self.engine = engine

    def _seen(self, *_: object) -> None:
        self.count += 1

    def close(self) -> None:
        event.remove(self.engine.sync_engine, "before_cursor_execute", self._seen)


async def test_the_profile_is_cached_until_the_agent_changes(
    live_client: AsyncClient, engine: AsyncEngine, redis: ArqRedis
) -> None:
    base, tenant_id = await workspace(live_client, engine)
    ana = await agent(live_client, base, instructions="Version one.")
    agent_id = ana["id"]
    maker = create_sessionmaker(engine)

    async def profile() -> tuple[str, int]:
        queries = _Queries(engine)
        try:
            async with maker() as session:
                found = await load_profile(session, redis, tenant_id, agent_id)
        finally:
            queries.close()
        return found.instructions, queries.count

    assert (await profile())[0] == "Version one."
    assert await redis.exists(PROFILE_PREFIX + agent_id)
    assert await profile() == ("Version one.", 0)  # from Redis, no query

    updated = await live_client.patch(f"{base}/agents/{agent_id}", json={"instructions": "Two."})
    assert updated.status_code == 200
    instructions, queries = await profile()
    assert (instructions, queries > 0) == ("Two.", True)
    assert await profile() == ("Two.", 0)

    restored = await live_client.post(f"{base}/agents/{agent_id}/revisions/1/restore")
    assert restored.status_code == 200, restored.text
    assert (await profile())[0] == "Version one."

    provider = await live_client.post(
        f"{base}/ai/providers",
        json={"name": "P", "kind": "compatible", "base_url": "http://127.0.0.1:9/v1"},
    )
    await live_client.patch(
        f"{base}/agents/{agent_id}", json={"provider_id": provider.json()["id"]}
    )
    async with maker() as session:
        assert (await load_profile(session, redis, tenant_id, agent_id)).provider_id is not None
    await live_client.delete(f"{base}/ai/providers/{provider.json()['id']}")
    async with maker() as session:
        assert (await load_profile(session, redis, tenant_id, agent_id)).provider_id is None

    await live_client.delete(f"{base}/agents/{agent_id}")
    async with maker() as session:
        with pytest.raises(NotFound):
            await load_profile(session, redis, tenant_id, agent_id)


async def test_another_tenant_never_gets_a_cached_profile(
    live_client: AsyncClient, engine: AsyncEngine, redis: ArqRedis
) -> None:
    base, tenant_id = await workspace(live_client, engine)
    ana = await agent(live_client, base)
    maker = create_sessionmaker(engine)
    async with maker() as session:
        await load_profile(session, redis, tenant_id, ana["id"])
    other = AsyncClient(transport=live_client._transport, base_url="http://testserver")
    async with other:
        other_base, other_tenant = await workspace(other, engine)
        async with maker() as session:
            with pytest.raises(NotFound):
                await load_profile(session, redis, other_tenant, ana["id"])
        chat = await other.post(f"{other_base}/agents/{ana['id']}/chat", json={"message": "hi"})
        assert chat.status_code == 404


async def test_without_redis_the_database_answers(
    live_client: AsyncClient, engine: AsyncEngine
) -> None:
    base, tenant_id = await workspace(live_client, engine)
    ana = await agent(live_client, base, instructions="Plain.")
    async with create_sessionmaker(engine)() as session:
        assert (await load_profile(session, None, tenant_id, ana["id"])).instructions == "Plain."
