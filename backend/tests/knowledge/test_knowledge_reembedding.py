"""A workspace moves its knowledge to another embedding model: the old vectors serve until the new
ones are all made; documents and edits that arrive meanwhile are not missed; a model that cannot
serve fails the move with a reason and changes nothing. The provider is the OpenAI-compatible
simulator on loopback, reached by the real SDK; the worker is the real arq worker."""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
import pytest
from agentplatform.ai.models import AiUsage
from agentplatform.ai.provider_errors import ProviderUnavailable
from agentplatform.core.db import create_sessionmaker
from agentplatform.core.redis import create_redis
from agentplatform.core.settings import Settings
from agentplatform.knowledge.index import reembedding
from agentplatform.knowledge.index.headers import contextual_text
from agentplatform.knowledge.index.models import Chunk, KnowledgeIndex
from agentplatform.knowledge.index.tasks import follow_embedding_settings
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import create_owner, login
from tests.simulators.openai_compatible import OpenAISimulator, embedding_vector
from tests.worker_support import run_burst

PRICES = "# Prices\n\nThe premium plan costs 49 EUR a month and includes phone support."
DELIVERY = "# Delivery\n\nOrders to Lisbon arrive within two business days by courier."
RETURNS = "# Returns\n\nUnused items can be returned within thirty days for a full refund."
MODEL = "text-embedding-3-small"


async def _workspace(client: AsyncClient, engine: AsyncEngine) -> tuple[str, uuid.UUID]:
    async with create_sessionmaker(engine)() as session:
        owner = await create_owner(session)
    await login(client, owner.user.email)
    return f"/api/v1/tenants/{owner.tenant.id}", owner.tenant.id


async def _add_text(client: AsyncClient, base: str, title: str, text: str) -> dict[str, Any]:
    created = await client.post(
        f"{base}/knowledge/documents/text", json={"title": title, "text": text}
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


async def _use_provider_embeddings(
    client: AsyncClient, base: str, sim: OpenAISimulator, model: str = MODEL
) -> dict[str, Any]:
    provider = await client.post(
        f"{base}/ai/providers",
        json={
            "name": "Embeddings server",
            "kind": "compatible",
            "base_url": sim.base_url,
            "api_key": sim.api_key,
        },
    )
    assert provider.status_code == 201, provider.text
    changed = await client.put(
        f"{base}/ai/settings",
        json={"embedding_provider_id": provider.json()["id"], "embedding_model": model},
    )
    assert changed.status_code == 200, changed.text
    body: dict[str, Any] = provider.json()
    return body


async def _follow_settings(engine: AsyncEngine, settings: Settings, tenant_id: uuid.UUID) -> None:
    """What the worker does with the settings-changed event, run now (not through the queue) so
    that the move is seen before its first job runs."""
    redis = create_redis(settings.redis_url or "")
    try:
        ctx = {"sessionmaker": create_sessionmaker(engine), "redis": redis, "settings": settings}
        await follow_embedding_settings(ctx, {"tenant_id": str(tenant_id)})
    finally:
        await redis.aclose()


async def _search(client: AsyncClient, base: str, query: str) -> dict[str, Any]:
    found = await client.post(
        f"{base}/knowledge/search", json={"query": query, "mode": "vector", "limit": 3}
    )
    assert found.status_code == 200, found.text
    body: dict[str, Any] = found.json()
    return body


async def _vectors(engine: AsyncEngine, tenant_id: uuid.UUID) -> dict[str, list[float]]:
    """Each chunk's text -> its vector."""
    embedded = await _embedded(engine, tenant_id, with_title=False)
    return {text: vector for text, (_, vector) in embedded.items()}


async def _embedded(
    engine: AsyncEngine, tenant_id: uuid.UUID, *, with_title: bool
) -> dict[str, tuple[str, list[float]]]:
    """Each chunk's text -> (what was embedded for it: the text, under its header `with_title`;
    its vector)."""
    async with create_sessionmaker(engine)() as session:
        rows = await session.execute(
            select(Chunk.text, Chunk.document_title, Chunk.heading_path, Chunk.embedding).where(
                Chunk.tenant_id == tenant_id
            )
        )
        return {
            row.text: (
                contextual_text(
                    row.document_title if with_title else "", row.heading_path, row.text
                ),
                list(row.embedding),
            )
            for row in rows
        }


def _is_simulator_vector(embedded: str, vector: list[float]) -> bool:
    return bool(np.allclose(vector, embedding_vector(embedded, 384), atol=1e-5))


async def test_the_old_vectors_serve_until_the_new_model_has_embedded_everything(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    openai_server: OpenAISimulator,
) -> None:
    # Chunks embedded under their title: the move embeds them so too.
    live_settings = live_settings.model_copy(update={"knowledge_title_in_vectors": True})
    base, tenant_id = await _workspace(live_client, engine)
    prices = await _add_text(live_client, base, "Prices", PRICES)
    await _add_text(live_client, base, "Delivery", DELIVERY)
    await run_burst(live_settings)
    before = await _vectors(engine, tenant_id)
    assert len(before) == 2
    # Renamed: its chunks' first heading ("Prices") is no longer the title, which heads them.
    renamed = await live_client.patch(
        f"{base}/knowledge/documents/{prices['id']}", json={"title": "Price list"}
    )
    assert renamed.status_code == 200, renamed.text

    await _use_provider_embeddings(live_client, base, openai_server)
    await _follow_settings(engine, live_settings, tenant_id)
    index = (await live_client.get(f"{base}/knowledge/index")).json()
    assert index["state"] == "building"
    assert index["active"] == {"model": "local/all-MiniLM-L6-v2", "endpoint": None}
    assert index["target"]["model"] == MODEL
    assert index["configured"]["model"] == MODEL
    assert (index["chunks_total"], index["chunks_done"]) == (2, 0)

    # Until the move ends, queries are embedded with the local model and find the local vectors.
    found = await _search(live_client, base, "how much is the premium plan")
    assert found["embedding_model"] == "local/all-MiniLM-L6-v2"
    assert found["hits"][0]["document_title"] == "Price list"
    assert openai_server.requests_to("/v1/embeddings") == []

    # A document that arrives during the move is embedded with the active model, then moved too.
    await _add_text(live_client, base, "Returns", RETURNS)
    await run_burst(live_settings)

    index = (await live_client.get(f"{base}/knowledge/index")).json()
    assert index["state"] == "ready", index
    assert index["active"]["model"] == MODEL
    assert index["active"]["endpoint"] == f"compatible {openai_server.base_url.rstrip('/')}"
    assert index["target"] is None
    assert (index["chunks_total"], index["chunks_done"]) == (3, 3)
    after = await _embedded(engine, tenant_id, with_title=True)
    assert len(after) == 3
    # What was embedded is each chunk's text under its document's title (a text whose heading
    # is the title already has it once).
    assert {embedded.split("\n")[0] for embedded, _ in after.values()} == {
        "Price list > Prices",
        "Delivery",
        "Returns",
    }
    assert all(_is_simulator_vector(embedded, vector) for embedded, vector in after.values())
    sent = openai_server.requests_to("/v1/embeddings")
    assert sent
    assert all(r.body["dimensions"] == 384 for r in sent)
    async with create_sessionmaker(engine)() as session:
        pending = await session.scalar(
            select(func.count())
            .select_from(Chunk)
            .where(Chunk.tenant_id == tenant_id, Chunk.pending_embedding.is_not(None))
        )
    assert pending == 0

    documents = (await live_client.get(f"{base}/knowledge/documents")).json()["items"]
    assert {d["embedding_model"] for d in documents} == {MODEL}
    found = await _search(live_client, base, "premium plan costs")
    assert found["embedding_model"] == MODEL
    assert found["hits"][0]["document_title"] == "Price list"
    async with create_sessionmaker(engine)() as session:
        booked = await session.scalar(
            select(func.sum(AiUsage.tokens_in)).where(
                AiUsage.tenant_id == tenant_id, AiUsage.model == MODEL
            )
        )
    assert booked  # provider tokens count against the workspace's budget


async def test_going_back_before_the_move_ends_drops_it(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    openai_server: OpenAISimulator,
) -> None:
    base, tenant_id = await _workspace(live_client, engine)
    await _add_text(live_client, base, "Prices", PRICES)
    await run_burst(live_settings)
    await _use_provider_embeddings(live_client, base, openai_server)
    await _follow_settings(engine, live_settings, tenant_id)
    assert (await live_client.get(f"{base}/knowledge/index")).json()["state"] == "building"

    back = await live_client.put(f"{base}/ai/settings", json={})
    assert back.status_code == 200, back.text
    await _follow_settings(engine, live_settings, tenant_id)
    index = (await live_client.get(f"{base}/knowledge/index")).json()
    assert (index["state"], index["target"]) == ("ready", None)
    assert index["active"]["model"] == "local/all-MiniLM-L6-v2"
    await run_burst(live_settings)  # the job sent for the dropped move finds nothing to do
    assert openai_server.requests_to("/v1/embeddings") == []


async def test_a_model_that_cannot_serve_fails_the_move_and_search_keeps_working(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    openai_server: OpenAISimulator,
) -> None:
    base, tenant_id = await _workspace(live_client, engine)
    await _add_text(live_client, base, "Prices", PRICES)
    await run_burst(live_settings)
    before = await _vectors(engine, tenant_id)

    await _use_provider_embeddings(live_client, base, openai_server, model="no-such-model")
    await run_burst(live_settings)

    index = (await live_client.get(f"{base}/knowledge/index")).json()
    assert index["state"] == "failed"
    assert "no-such-model" in index["last_error"]
    assert "keeps serving" in index["last_error"]
    assert index["active"]["model"] == "local/all-MiniLM-L6-v2"
    assert await _vectors(engine, tenant_id) == before
    found = await _search(live_client, base, "premium plan price")
    assert found["hits"][0]["document_title"] == "Prices"

    # Choosing a model that works starts a new move, which completes.
    await live_client.put(
        f"{base}/ai/settings",
        json={
            "embedding_provider_id": await _provider_id(live_client, base),
            "embedding_model": MODEL,
        },
    )
    await run_burst(live_settings)
    index = (await live_client.get(f"{base}/knowledge/index")).json()
    assert (index["state"], index["active"]["model"], index["last_error"]) == ("ready", MODEL, None)


async def _provider_id(client: AsyncClient, base: str) -> str:
    providers = (await client.get(f"{base}/ai/providers")).json()
    return str(providers[0]["id"])


async def test_passing_provider_failures_are_retried(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    openai_server: OpenAISimulator,
) -> None:
    base, tenant_id = await _workspace(live_client, engine)
    await _add_text(live_client, base, "Prices", PRICES)
    await run_burst(live_settings)
    settings = live_settings.model_copy(update={"llm_max_retries": 0})
    await _use_provider_embeddings(live_client, base, openai_server)
    await _follow_settings(engine, live_settings, tenant_id)
    openai_server.fail_next(1, 503, path="/v1/embeddings")

    maker = create_sessionmaker(engine)
    with pytest.raises(ProviderUnavailable):  # the job turns this into an arq retry
        await reembedding.build(maker, settings, tenant_id)
    async with maker() as session:
        index = await session.get(KnowledgeIndex, tenant_id)
        assert index is not None
        assert (index.state, index.attempts) == ("building", 1)
        assert index.last_error is not None
        assert "retrying (attempt 1 of" in index.last_error

    assert await reembedding.build(maker, settings, tenant_id) == "ready"


async def test_an_edited_chunk_is_embedded_again_with_the_new_model(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    openai_server: OpenAISimulator,
) -> None:
    base, tenant_id = await _workspace(live_client, engine)
    document = await _add_text(live_client, base, "Prices", PRICES)
    await run_burst(live_settings)
    await _use_provider_embeddings(live_client, base, openai_server)

    chunks = (await live_client.get(f"{base}/knowledge/documents/{document['id']}/chunks")).json()
    chunk = chunks["items"][0]
    new_text = "The premium plan costs 59 EUR a month from January."
    edited = await live_client.patch(
        f"{base}/knowledge/documents/{document['id']}/chunks/{chunk['id']}",
        json={"text": new_text},
    )
    assert edited.status_code == 200, edited.text
    await run_burst(live_settings)
    embedded = await _embedded(engine, tenant_id, with_title=False)
    assert list(embedded) == [new_text]
    inputs, vector = embedded[new_text]
    assert inputs == new_text  # the default: the text alone (`knowledge_title_in_vectors`)
    assert _is_simulator_vector(inputs, vector)


async def test_rebuild_and_collection_reindex(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base, _tenant_id = await _workspace(live_client, engine)
    collection = (
        await live_client.post(f"{base}/knowledge/collections", json={"name": "Sales"})
    ).json()
    inside = await _add_text(live_client, base, "Prices", PRICES)
    await live_client.patch(
        f"{base}/knowledge/documents/{inside['id']}", json={"collection_id": collection["id"]}
    )
    await _add_text(live_client, base, "Delivery", DELIVERY)
    await run_burst(live_settings)

    queued = await live_client.post(f"{base}/knowledge/collections/{collection['id']}/reindex")
    assert queued.status_code == 202, queued.text
    assert queued.json() == {"queued": 1, "busy": 0}
    documents = (await live_client.get(f"{base}/knowledge/documents")).json()["items"]
    assert {d["title"]: d["status"] for d in documents} == {"Prices": "queued", "Delivery": "ready"}
    # Its chunks serve while it waits.
    found = await _search(live_client, base, "premium plan price")
    assert found["hits"][0]["document_title"] == "Prices"
    missing = await live_client.post(f"{base}/knowledge/collections/{uuid.uuid4()}/reindex")
    assert missing.status_code == 404

    rebuilt = await live_client.post(f"{base}/knowledge/index/rebuild")
    assert rebuilt.status_code == 202, rebuilt.text
    assert rebuilt.json()["state"] == "building"
    await run_burst(live_settings)
    index = (await live_client.get(f"{base}/knowledge/index")).json()
    assert (index["state"], index["chunks_done"]) == ("ready", 2)
    documents = (await live_client.get(f"{base}/knowledge/documents")).json()["items"]
    assert {d["status"] for d in documents} == {"ready"}
