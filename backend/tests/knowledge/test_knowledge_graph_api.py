"""A document uploaded through the API is indexed and its graph extracted by the real worker; its
entities are found by name with their facts and sources; extracting again replaces the facts;
deleting the document takes its facts away; other tenants see nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from agentplatform.core.db import create_sessionmaker, unit_of_work, utcnow
from agentplatform.core.settings import Settings
from agentplatform.knowledge.graph.models import (
    Entity,
    Extraction,
    ExtractionStatus,
    Mention,
    Relation,
)
from agentplatform.knowledge.graph.tasks import tend_knowledge_graph
from arq import ArqRedis
from httpx import ASGITransport, AsyncClient
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import create_owner, login
from tests.worker_support import run_burst
from worker.main import sweep_stale_work

CATALOGUE = """# Acme Corp catalogue

Acme Corp supplies Bracket X to Globex Inc. Acme Corp is a manufacturer of steel brackets.

## Bracket X

- Price: $49
- Warranty: 2 years
"""
PRICE_LIST = "# Price list\n\n| Product | Price |\n|---|---|\n| Bracket X | $49 |\n"


async def _workspace(client: AsyncClient, engine: AsyncEngine) -> str:
    async with create_sessionmaker(engine)() as session:
        owner = await create_owner(session)
    await login(client, owner.user.email)
    return f"/api/v1/tenants/{owner.tenant.id}/knowledge"


async def _add(client: AsyncClient, base: str, title: str, text: str) -> dict[str, Any]:
    response = await client.post(f"{base}/documents/text", json={"title": title, "text": text})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _entity(client: AsyncClient, base: str, name: str) -> dict[str, Any]:
    found = (await client.get(f"{base}/graph/entities", params={"q": name})).json()
    matches = [e for e in found["items"] if e["name"] == name]
    assert len(matches) == 1, found
    detail = await client.get(f"{base}/graph/entities/{matches[0]['id']}")
    assert detail.status_code == 200, detail.text
    body: dict[str, Any] = detail.json()
    return body


async def _rows(engine: AsyncEngine, document_id: str) -> tuple[int, int]:
    async with create_sessionmaker(engine)() as session:
        relations = await session.scalar(
            select(func.count()).where(Relation.document_id == uuid.UUID(document_id))
        )
        mentions = await session.scalar(
            select(func.count()).where(Mention.document_id == uuid.UUID(document_id))
        )
    return int(relations or 0), int(mentions or 0)


async def test_entities_are_found_with_their_facts_and_sources(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base = await _workspace(live_client, engine)
    document = await _add(live_client, base, "Catalogue", CATALOGUE)
    await run_burst(live_settings)

    status = (await live_client.get(f"{base}/graph/documents/{document['id']}")).json()
    assert status["status"] == "ready", status
    assert status["extractor"] == "offline/patterns-v1"
    assert status["document_title"] == "Catalogue"
    assert status["entity_count"] > 0
    assert status["relation_count"] > 0

    listed = (await live_client.get(f"{base}/graph/entities", params={"q": "brack"})).json()
    assert [(e["name"], e["type"]) for e in listed["items"]] == [("Bracket X", "product")]
    products = (await live_client.get(f"{base}/graph/entities", params={"type": "product"})).json()
    assert {e["name"] for e in products["items"]} == {"Bracket X"}
    assert products["total"] == 1

    bracket = await _entity(live_client, base, "Bracket X")
    facts = {(r["direction"], r["text"]) for r in bracket["relations"]}
    assert ("outgoing", "Bracket X — price → $49") in facts
    assert ("outgoing", "Bracket X — warranty → 2 years") in facts
    assert ("incoming", "Acme Corp — supplies → Bracket X") in facts
    warranty = next(r for r in bracket["relations"] if r["predicate"] == "warranty")
    assert (warranty["value"], warranty["object"]) == ("2 years", None)
    assert warranty["document_id"] == document["id"]
    chunks = (await live_client.get(f"{base}/documents/{document['id']}/chunks")).json()["items"]
    chunk_ids = {c["id"] for c in chunks}
    assert warranty["chunk_id"] in chunk_ids
    [source] = bracket["sources"]
    assert (source["document_id"], source["document_title"]) == (document["id"], "Catalogue")
    assert {c["chunk_id"] for c in source["chunks"]} <= chunk_ids

    acme = await _entity(live_client, base, "Acme Corp")
    assert acme["type"] == "organization"
    assert acme["description"] == "manufacturer of steel brackets"

    listing = (await live_client.get(f"{base}/graph/documents")).json()
    assert [d["document_id"] for d in listing["items"]] == [document["id"]]


async def test_extracting_again_replaces_the_facts_and_deleting_takes_them_away(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base = await _workspace(live_client, engine)
    catalogue = await _add(live_client, base, "Catalogue", CATALOGUE)
    prices = await _add(live_client, base, "Price list", PRICE_LIST)
    await run_burst(live_settings)
    first = await _rows(engine, catalogue["id"])
    bracket = await _entity(live_client, base, "Bracket X")
    assert bracket["document_count"] == 2

    again = await live_client.post(f"{base}/graph/documents/{catalogue['id']}/extract")
    assert again.status_code == 202, again.text
    assert (again.json()["status"], again.json()["attempts"]) == ("queued", 0)
    await run_burst(live_settings)
    status = (await live_client.get(f"{base}/graph/documents/{catalogue['id']}")).json()
    assert (status["status"], status["attempts"]) == ("ready", 1)
    assert await _rows(engine, catalogue["id"]) == first
    assert (await _entity(live_client, base, "Bracket X"))["id"] == bracket["id"]

    # Reindexing the document extracts its graph again, without duplicates either.
    assert (
        await live_client.post(f"{base}/documents/{catalogue['id']}/reindex")
    ).status_code == 200
    await run_burst(live_settings)
    assert await _rows(engine, catalogue["id"]) == first

    deleted = await live_client.delete(f"{base}/documents/{catalogue['id']}")
    assert deleted.status_code == 204
    assert await _rows(engine, catalogue["id"]) == (0, 0)
    remaining = await _entity(live_client, base, "Bracket X")
    assert remaining["document_count"] == 1
    assert {r["document_id"] for r in remaining["relations"]} == {prices["id"]}
    acme = (await live_client.get(f"{base}/graph/entities", params={"q": "Acme"})).json()
    assert acme["items"] == []
    async with create_sessionmaker(engine)() as session:
        orphans = await session.scalar(select(func.count()).where(Entity.name == "Acme Corp"))
    assert orphans == 1  # not listed; the sweeper deletes it
    ctx = {"sessionmaker": create_sessionmaker(engine), "redis": None, "settings": live_settings}
    assert await tend_knowledge_graph(ctx) == 0
    async with create_sessionmaker(engine)() as session:
        orphans = await session.scalar(select(func.count()).where(Entity.name == "Acme Corp"))
    assert orphans == 0


async def test_a_document_not_indexed_yet_cannot_be_extracted(
    live_client: AsyncClient, engine: AsyncEngine
) -> None:
    base = await _workspace(live_client, engine)
    document = await _add(live_client, base, "Catalogue", CATALOGUE)
    status = (await live_client.get(f"{base}/graph/documents/{document['id']}")).json()
    assert (status["status"], status["entity_count"]) == (None, 0)
    refused = await live_client.post(f"{base}/graph/documents/{document['id']}/extract")
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:agentplatform:problem:conflict"


async def test_other_tenants_get_404(
    live_app: Any, engine: AsyncEngine, live_settings: Settings
) -> None:
    def client() -> AsyncClient:
        return AsyncClient(transport=ASGITransport(app=live_app), base_url="http://testserver")

    async with client() as mine, client() as theirs:
        base = await _workspace(mine, engine)
        other = await _workspace(theirs, engine)
        document = await _add(mine, base, "Catalogue", CATALOGUE)
        await run_burst(live_settings)
        bracket = await _entity(mine, base, "Bracket X")

        for url in (
            f"{other}/graph/entities/{bracket['id']}",
            f"{other}/graph/documents/{document['id']}",
        ):
            assert (await theirs.get(url)).status_code == 404, url
        extract = await theirs.post(f"{other}/graph/documents/{document['id']}/extract")
        assert extract.status_code == 404
        assert (await theirs.get(f"{other}/graph/entities")).json()["items"] == []
        assert (await theirs.get(f"{other}/graph/documents")).json()["items"] == []
        # Their own tenant's URL with my ids is no way in either.
        assert (await theirs.get(f"{base}/graph/entities/{bracket['id']}")).status_code == 404


async def test_the_sweeper_requeues_dead_extractions_and_never_extracted_documents(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings, redis: ArqRedis
) -> None:
    base = await _workspace(live_client, engine)
    died = await _add(live_client, base, "Catalogue", CATALOGUE)
    never = await _add(live_client, base, "Price list", PRICE_LIST)
    gave_up = await _add(live_client, base, "Reseller", "Initech Ltd resells Bracket X.")
    await run_burst(live_settings)
    maker = create_sessionmaker(engine)
    an_hour_ago = utcnow() - timedelta(hours=1)
    async with unit_of_work(maker, None) as session:
        await session.execute(
            update(Extraction)
            .where(Extraction.document_id.in_([uuid.UUID(died["id"]), uuid.UUID(gave_up["id"])]))
            .values(status=ExtractionStatus.running, heartbeat_at=an_hour_ago, attempts=1)
        )
        await session.execute(
            update(Extraction)
            .where(Extraction.document_id == uuid.UUID(gave_up["id"]))
            .values(attempts=live_settings.work_max_attempts)
        )
        await session.execute(
            delete(Extraction).where(Extraction.document_id == uuid.UUID(never["id"]))
        )

    ctx = {"sessionmaker": maker, "redis": redis, "settings": live_settings}
    assert await sweep_stale_work(ctx) == 2  # the two whose job died
    assert await tend_knowledge_graph(ctx) == 1  # the one never extracted
    await run_burst(live_settings)
    for document, attempts in ((died, 2), (never, 1)):  # the attempt that died counts
        status = (await live_client.get(f"{base}/graph/documents/{document['id']}")).json()
        assert (status["status"], status["attempts"]) == ("ready", attempts), status
    status = (await live_client.get(f"{base}/graph/documents/{gave_up['id']}")).json()
    assert status["status"] == "failed"
    assert status["last_error"] == (
        f"Stopped after {live_settings.work_max_attempts} attempts: the worker died while "
        "extracting this document's knowledge graph"
    )
    assert await sweep_stale_work(ctx) == 0
    assert await tend_knowledge_graph(ctx) == 0
