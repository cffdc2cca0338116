"""Workspace AI: providers with encrypted keys, the resolver, health, models, usage and budget,
and agent replies from a real OpenAI-compatible server or from the offline responder."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from agentplatform.ai.resolver import resolve_chat
from agentplatform.ai.service import embed
from agentplatform.core.security import SecretBox
from agentplatform.core.settings import Settings
from fastapi import FastAPI
from httpx import AsyncClient
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_owner, login
from tests.simulators.openai_compatible import OpenAISimulator

QUESTION = "How much does the premium plan cost?"
PASSAGES = [
    {"title": "Opening hours", "text": "Our office is open from 9 to 18 on weekdays."},
    {"title": "Pricing", "text": "The premium plan costs 49 EUR per month. It includes support."},
]


async def _workspace(client: AsyncClient, db: AsyncSession) -> tuple[str, uuid.UUID]:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    return f"/api/v1/tenants/{owner.tenant.id}", owner.tenant.id


async def _provider(client: AsyncClient, base: str, sim: OpenAISimulator, **extra: Any) -> dict:
    body = {"name": "Local vLLM", "kind": "compatible", "base_url": sim.base_url}
    body |= {"api_key": sim.api_key} | extra
    response = await client.post(f"{base}/ai/providers", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_provider_keys_are_encrypted_and_never_returned_or_logged(
    client: AsyncClient,
    db: AsyncSession,
    openai_server: OpenAISimulator,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    base, _ = await _workspace(client, db)
    created = await _provider(client, base, openai_server)
    key = openai_server.api_key
    assert created["has_api_key"] is True
    assert created["api_key_last_four"] == key[-4:]
    raw = (await db.execute(text("SELECT api_key_encrypted FROM ai_provider"))).scalar_one()
    assert key not in raw
    assert SecretBox(settings.encryption_key_list).decrypt(raw) == key

    responses = [
        await client.get(f"{base}/ai/providers"),
        await client.get(f"{base}/ai/settings"),
        await client.get(f"{base}/ai/health"),
        await client.get(f"{base}/ai/models"),
        await client.patch(f"{base}/ai/providers/{created['id']}", json={"name": "vLLM"}),
    ]
    for response in responses:
        assert response.status_code == 200, response.text
        assert key not in response.text
    assert key not in caplog.text

    cleared = await client.patch(
        f"{base}/ai/providers/{created['id']}", json={"clear_api_key": True}
    )
    assert cleared.json()["has_api_key"] is False
    assert cleared.json()["api_key_last_four"] == ""


async def test_provider_validation(client: AsyncClient, db: AsyncSession) -> None:
    base, _ = await _workspace(client, db)
    no_url = await client.post(f"{base}/ai/providers", json={"name": "x", "kind": "compatible"})
    assert no_url.json()["errors"][0]["field"] == "body.base_url"
    no_key = await client.post(f"{base}/ai/providers", json={"name": "x", "kind": "openai"})
    assert no_key.json()["errors"][0]["field"] == "body.api_key"
    bad_kind = await client.post(f"{base}/ai/providers", json={"name": "x", "kind": "skynet"})
    assert bad_kind.status_code == 422
    openai = await client.post(
        f"{base}/ai/providers", json={"name": "OpenAI", "kind": "openai", "api_key": "sk-abc12345"}
    )
    assert openai.json()["base_url"] == "https://api.openai.com/v1"
    again = await client.post(
        f"{base}/ai/providers", json={"name": "OpenAI", "kind": "openai", "api_key": "sk-abc12345"}
    )
    assert again.status_code == 409


async def test_resolver_prefers_agent_then_workspace_then_environment(
    client: AsyncClient, db: AsyncSession, openai_server: OpenAISimulator, settings: Settings
) -> None:
    base, tenant_id = await _workspace(client, db)
    with_env = settings.model_copy(update={"openai_api_key": SecretStr("sk-env-key-123456")})
    offline = await resolve_chat(db, settings, tenant_id)
    assert (offline.source, offline.offline) == ("offline", True)
    env = await resolve_chat(db, with_env, tenant_id)
    assert (env.source, env.provider_name, env.model) == (
        "environment",
        "env:openai",
        "gpt-4o-mini",
    )

    workspace_provider = await _provider(client, base, openai_server, name="Workspace")
    agent_provider = await _provider(client, base, openai_server, name="Agent's")
    put = await client.put(
        f"{base}/ai/settings",
        json={"chat_provider_id": workspace_provider["id"], "chat_model": "gpt-4o"},
    )
    assert put.json()["chat"] == {
        "provider": "Workspace",
        "kind": "compatible",
        "model": "gpt-4o",
        "source": "workspace",
        "offline": False,
    }
    workspace = await resolve_chat(db, with_env, tenant_id)
    assert (workspace.source, workspace.provider_name, workspace.model) == (
        "workspace",
        "Workspace",
        "gpt-4o",
    )
    agent = await resolve_chat(
        db,
        with_env,
        tenant_id,
        agent_provider_id=uuid.UUID(agent_provider["id"]),
        agent_model="gpt-4o-mini",
    )
    assert (agent.source, agent.provider_name, agent.model) == ("agent", "Agent's", "gpt-4o-mini")
    # Deleting the workspace's provider falls back to the environment again.
    await client.delete(f"{base}/ai/providers/{workspace_provider['id']}")
    fallback = await resolve_chat(db, with_env, tenant_id)
    assert fallback.source == "environment"


async def test_health_reports_each_provider(
    client: AsyncClient, db: AsyncSession, openai_server: OpenAISimulator
) -> None:
    base, _ = await _workspace(client, db)
    await _provider(client, base, openai_server, name="Good")
    await _provider(client, base, openai_server, name="Bad key", api_key="sk-wrong-key-987654")
    health = (await client.get(f"{base}/ai/health")).json()
    by_name = {p["provider"]: p for p in health["providers"]}
    assert by_name["Good"]["ok"] is True
    assert by_name["Good"]["model_count"] == 4
    assert by_name["Bad key"]["ok"] is False
    assert "sk-wrong-key-987654" not in by_name["Bad key"]["detail"]
    assert by_name["local"]["ok"] is True
    assert health["offline_mode"] is False  # the first provider became the default


async def test_model_lists_are_cached(
    client: AsyncClient, db: AsyncSession, openai_server: OpenAISimulator
) -> None:
    base, _ = await _workspace(client, db)
    await _provider(client, base, openai_server)
    first = (await client.get(f"{base}/ai/models")).json()
    second = (await client.get(f"{base}/ai/models")).json()
    assert first == second
    assert len(openai_server.requests_to("/v1/models")) == 1
    ids = {(m["provider"], m["id"]) for m in first["models"]}
    assert ("Local vLLM", "gpt-4o") in ids
    assert ("offline", "offline/extractive-v1") in ids


async def _agent(client: AsyncClient, base: str, **extra: Any) -> dict:
    body = {"name": "Ana", "instructions": "Sell the premium plan.", "greeting": "Hi, I am Ana!"}
    response = await client.post(f"{base}/agents", json=body | extra)
    assert response.status_code == 201, response.text
    return response.json()


async def test_offline_reply_answers_from_the_knowledge(
    client: AsyncClient, db: AsyncSession
) -> None:
    base, _ = await _workspace(client, db)
    agent = await _agent(client, base)
    response = await client.post(
        f"{base}/agents/{agent['id']}/preview",
        json={"messages": [{"role": "user", "content": QUESTION}], "passages": PASSAGES},
    )
    assert response.status_code == 200, response.text
    reply = response.json()
    assert reply["offline"] is True
    assert reply["model"] == "offline/extractive-v1"
    assert "49 EUR" in reply["text"]
    assert reply["used_passages"] == [1]
    usage = (await client.get(f"{base}/ai/usage")).json()
    assert usage["days"][0]["model"] == "offline/extractive-v1"
    assert usage["days"][0]["calls"] == 1
    assert usage["days"][0]["tokens_in"] > 0
    assert (usage["days"][0]["provider"], usage["days"][0]["billable"]) == ("offline", False)
    assert usage["tokens_this_month"] == 0  # answered on this machine: nothing billable


async def test_reply_from_a_compatible_server_records_usage_and_respects_the_budget(
    client: AsyncClient, db: AsyncSession, openai_server: OpenAISimulator
) -> None:
    base, _ = await _workspace(client, db)
    provider = await _provider(client, base, openai_server)
    agent = await _agent(client, base, provider_id=provider["id"], model="gpt-4o")
    openai_server.reply("The premium plan is 49 EUR a month.")
    url = f"{base}/agents/{agent['id']}/preview"
    body = {"messages": [{"role": "user", "content": QUESTION}], "passages": PASSAGES}
    reply = (await client.post(url, json=body)).json()
    assert reply["text"] == "The premium plan is 49 EUR a month."
    assert (reply["offline"], reply["provider"], reply["model_source"]) == (
        False,
        "Local vLLM",
        "agent",
    )
    sent = openai_server.requests_to("/v1/chat/completions")[-1].body
    assert sent["model"] == "gpt-4o"
    assert "Sell the premium plan." in sent["messages"][0]["content"]
    assert "49 EUR per month" in sent["messages"][0]["content"]

    usage = (await client.get(f"{base}/ai/usage")).json()
    used = usage["tokens_this_month"]
    assert used == reply["tokens_in"] + reply["tokens_out"] > 0
    await client.put(f"{base}/ai/settings", json={"monthly_token_budget": used})
    over = await client.post(url, json=body)
    assert over.status_code == 429
    assert over.json()["type"] == "urn:agentplatform:problem:token-budget-exceeded"
    assert int(over.headers["Retry-After"]) > 0


async def test_provider_errors_are_problems_without_the_key(
    client: AsyncClient, db: AsyncSession, openai_server: OpenAISimulator
) -> None:
    base, _ = await _workspace(client, db)
    provider = await _provider(client, base, openai_server, api_key="sk-wrong-key-987654")
    agent = await _agent(client, base, provider_id=provider["id"], model="gpt-4o")
    response = await client.post(
        f"{base}/agents/{agent['id']}/preview",
        json={"messages": [{"role": "user", "content": "hello"}]},
    )
    assert response.status_code == 502
    assert response.json()["type"] == "urn:agentplatform:problem:provider-auth-failed"
    assert "sk-wrong-key-987654" not in response.text


async def test_embeddings_default_to_the_local_model(
    client: AsyncClient, db: AsyncSession, app: FastAPI
) -> None:
    base, tenant_id = await _workspace(client, db)
    response = await client.post(f"{base}/ai/embeddings", json={"texts": ["hello", "world"]})
    assert response.status_code == 200
    body = response.json()
    assert (body["model"], body["offline"], body["dimensions"]) == (
        "local/all-MiniLM-L6-v2",
        True,
        384,
    )
    assert len(body["vectors"]) == 2
    direct = await embed(db, app.state.settings, tenant_id, ["hello"])
    assert direct.vectors[0] == pytest.approx(body["vectors"][0], abs=1e-6)


async def test_workspace_embedding_provider(
    client: AsyncClient, db: AsyncSession, openai_server: OpenAISimulator
) -> None:
    base, _ = await _workspace(client, db)
    provider = await _provider(client, base, openai_server)
    await client.put(
        f"{base}/ai/settings",
        json={"embedding_provider_id": provider["id"], "embedding_model": "text-embedding-3-small"},
    )
    body = (await client.post(f"{base}/ai/embeddings", json={"texts": ["hello"]})).json()
    assert (body["provider"], body["offline"], body["dimensions"]) == ("Local vLLM", False, 1536)
    unknown = await client.put(f"{base}/ai/settings", json={"chat_provider_id": str(uuid.uuid4())})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "body.chat_provider_id"
