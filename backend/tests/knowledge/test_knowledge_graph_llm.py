"""The knowledge graph from the workspace's chat model: structured output through the real SDK to
the OpenAI-compatible simulator on loopback, run by the real worker. Answers are validated; bad
ones are asked again, then explained; provider outages are retried; tokens are counted."""

from __future__ import annotations

import json
import uuid
from typing import Any

from agentplatform.ai.models import AiUsage, UsageOperation
from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.knowledge.graph.llm import ANSWER_TRIES
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import create_owner, login
from tests.simulators.openai_compatible import OpenAISimulator
from tests.worker_support import run_burst

TEXT = (
    "# Suppliers\n\nAcme Corp supplies the Bracket X wall mount to our Porto store. "
    "The Bracket X comes with a two-year warranty."
)
ANSWER = {
    "entities": [
        {"name": "Acme Corp", "type": "organization", "description": "A supplier", "chunks": [0]},
        {"name": "Bracket X", "type": "product", "description": "A wall mount", "chunks": [0]},
        {"name": "Porto", "type": "place", "description": "", "chunks": [7]},
    ],
    "relations": [
        {
            "subject": "Acme Corp",
            "subject_type": "organization",
            "predicate": "supplies",
            "object": "Bracket X",
            "object_type": "product",
            "chunk": 0,
            "confidence": 0.95,
        },
        {
            "subject": "Bracket X",
            "subject_type": "product",
            "predicate": "Warranty",
            "object": "two years",
            "object_type": None,
            "chunk": 0,
            "confidence": 1.5,
        },
    ],
}


async def _workspace(
    client: AsyncClient, engine: AsyncEngine, sim: OpenAISimulator
) -> tuple[str, uuid.UUID]:
    async with create_sessionmaker(engine)() as session:
        owner = await create_owner(session)
    await login(client, owner.user.email)
    base = f"/api/v1/tenants/{owner.tenant.id}"
    provider = await client.post(
        f"{base}/ai/providers",
        json={
            "name": "Local vLLM",
            "kind": "compatible",
            "base_url": sim.base_url,
            "api_key": sim.api_key,
        },
    )
    assert provider.status_code == 201, provider.text  # the workspace's chat provider now
    return base, owner.tenant.id


async def _add(client: AsyncClient, base: str) -> dict[str, Any]:
    response = await client.post(
        f"{base}/knowledge/documents/text", json={"title": "Suppliers", "text": TEXT}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _status(client: AsyncClient, base: str, document_id: str) -> dict[str, Any]:
    body: dict[str, Any] = (
        await client.get(f"{base}/knowledge/graph/documents/{document_id}")
    ).json()
    return body


async def test_the_model_extracts_the_graph_with_structured_output(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    openai_server: OpenAISimulator,
) -> None:
    base, tenant_id = await _workspace(live_client, engine, openai_server)
    document = await _add(live_client, base)
    openai_server.reply(json.dumps(ANSWER))
    await run_burst(live_settings)

    status = await _status(live_client, base, document["id"])
    assert (status["status"], status["extractor"], status["attempts"]) == (
        "ready",
        "gpt-4o-mini",
        1,
    )
    [sent] = openai_server.requests_to("/v1/chat/completions")
    response_format = sent.body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "knowledge_graph"
    assert response_format["json_schema"]["strict"] is True
    assert set(response_format["json_schema"]["schema"]["required"]) == {"entities", "relations"}
    assert "[chunk 0]" in sent.body["messages"][1]["content"]
    assert "Acme Corp supplies the Bracket X" in sent.body["messages"][1]["content"]

    graph = f"{base}/knowledge/graph"
    listed = (await live_client.get(f"{graph}/entities")).json()["items"]
    assert {(e["name"], e["type"]) for e in listed} == {
        ("Acme Corp", "organization"),
        ("Bracket X", "product"),
        ("Porto", "place"),  # its chunk number was out of range: counted in the first chunk
    }
    bracket = next(e for e in listed if e["name"] == "Bracket X")
    detail = (await live_client.get(f"{graph}/entities/{bracket['id']}")).json()
    assert detail["description"] == "A wall mount"
    assert {(r["direction"], r["text"], r["confidence"]) for r in detail["relations"]} == {
        ("incoming", "Acme Corp — supplies → Bracket X", 0.95),
        ("outgoing", "Bracket X — warranty → two years", 1.0),
    }

    async with create_sessionmaker(engine)() as session:
        tokens = await session.scalar(
            select(func.sum(AiUsage.tokens_in + AiUsage.tokens_out)).where(
                AiUsage.tenant_id == tenant_id, AiUsage.operation == UsageOperation.chat
            )
        )
    assert tokens is not None
    assert tokens > 0


async def test_an_invalid_answer_is_asked_again_then_explained(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    openai_server: OpenAISimulator,
) -> None:
    base, _ = await _workspace(live_client, engine, openai_server)
    document = await _add(live_client, base)
    openai_server.reply("Sure! Acme Corp supplies Bracket X.")
    openai_server.reply(json.dumps(ANSWER))
    await run_burst(live_settings)
    status = await _status(live_client, base, document["id"])
    assert (status["status"], status["attempts"]) == ("ready", 1)
    assert len(openai_server.requests_to("/v1/chat/completions")) == 2

    for _ in range(ANSWER_TRIES):
        openai_server.reply(json.dumps({"entities": []}))
    again = await live_client.post(f"{base}/knowledge/graph/documents/{document['id']}/extract")
    assert again.status_code == 202
    await run_burst(live_settings)
    status = await _status(live_client, base, document["id"])
    assert status["status"] == "failed"
    assert status["last_error"] == (
        f"The model's answer is not a valid graph (relations: Field required), "
        f"{ANSWER_TRIES} times in a row"
    )
    # The facts of the last good extraction stay until a good one replaces them.
    listed = (await live_client.get(f"{base}/knowledge/graph/entities")).json()
    assert {e["name"] for e in listed["items"]} == {"Acme Corp", "Bracket X", "Porto"}


async def test_an_unavailable_provider_is_retried_and_a_spent_budget_is_explained(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    openai_server: OpenAISimulator,
) -> None:
    settings = live_settings.model_copy(update={"llm_max_retries": 0})
    base, _ = await _workspace(live_client, engine, openai_server)
    document = await _add(live_client, base)
    openai_server.fail_next(1, 503, path="/v1/chat/completions")
    openai_server.reply(json.dumps(ANSWER))
    await run_burst(settings)
    status = await _status(live_client, base, document["id"])
    assert (status["status"], status["attempts"], status["last_error"]) == ("ready", 2, None)

    current = (await live_client.get(f"{base}/ai/settings")).json()
    budget = await live_client.put(
        f"{base}/ai/settings",
        json={"chat_provider_id": current["chat_provider_id"], "monthly_token_budget": 1},
    )
    assert budget.status_code == 200, budget.text
    await live_client.post(f"{base}/knowledge/graph/documents/{document['id']}/extract")
    await run_burst(settings)
    status = await _status(live_client, base, document["id"])
    assert status["status"] == "failed"
    assert "tokens used this month" in status["last_error"]
    assert len(openai_server.requests_to("/v1/chat/completions")) == 2
