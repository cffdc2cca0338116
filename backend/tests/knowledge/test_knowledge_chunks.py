"""Chunks: preview in order, correct one and it is embedded and searchable by its new words."""

from __future__ import annotations

import uuid

import numpy as np
from agentplatform.ai.local_embedder import get_local_embedder
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.models import Document, DocumentStatus
from agentplatform.knowledge.index.models import Chunk
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_owner, login
from tests.knowledge.test_knowledge_collections import make_document

TEXTS = [
    "Returns are free within 30 days of delivery.",
    "Orders ship from Porto within two business days.",
    "The premium plan costs 49 EUR per month.",
]


async def make_chunks(
    db: AsyncSession, settings: Settings, tenant_id: uuid.UUID, document_id: uuid.UUID
) -> list[uuid.UUID]:
    embedder = get_local_embedder(settings.local_embedding_model_path)
    vectors = embedder.embed(TEXTS).tolist()
    tokens = embedder.count_tokens(TEXTS)
    chunks = [
        Chunk(
            tenant_id=tenant_id,
            document_id=document_id,
            index=i,
            text=text,
            heading_path=["Policies"],
            page_start=1,
            page_end=1,
            token_count=tokens[i],
            embedding=vectors[i],
        )
        for i, text in reversed(list(enumerate(TEXTS)))
    ]
    db.add_all(chunks)
    document = await db.get(Document, document_id)
    assert document is not None
    document.chunk_count, document.token_count = len(TEXTS), sum(tokens)
    await db.commit()
    return [c.id for c in reversed(chunks)]


async def _setup(
    client: AsyncClient, db: AsyncSession, settings: Settings
) -> tuple[str, uuid.UUID, list[uuid.UUID]]:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    document = await make_document(db, owner.tenant.id)
    chunk_ids = await make_chunks(db, settings, owner.tenant.id, document)
    return f"/api/v1/tenants/{owner.tenant.id}/knowledge/documents/{document}", document, chunk_ids


async def test_chunks_are_listed_in_order_and_paginated(
    client: AsyncClient, db: AsyncSession, settings: Settings
) -> None:
    base, _document, ids = await _setup(client, db, settings)
    page = (await client.get(f"{base}/chunks", params={"limit": 2})).json()
    assert page["total"] == 3
    assert [c["index"] for c in page["items"]] == [0, 1]
    first = page["items"][0]
    assert first["id"] == str(ids[0])
    assert first["text"] == TEXTS[0]
    assert (first["heading_path"], first["page_start"], first["page_end"]) == (["Policies"], 1, 1)
    assert first["token_count"] > 0
    rest = (await client.get(f"{base}/chunks", params={"limit": 2, "offset": 2})).json()
    assert [c["text"] for c in rest["items"]] == [TEXTS[2]]
    bad = await client.get(f"{base}/chunks", params={"limit": 0})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.limit"


async def test_editing_a_chunk_embeds_it_again(
    client: AsyncClient, db: AsyncSession, settings: Settings
) -> None:
    base, _document, ids = await _setup(client, db, settings)
    before = (await client.get(base)).json()["token_count"]
    new_text = "Warranty claims for the XK-4471 bracket are handled within five working days."
    response = await client.patch(f"{base}/chunks/{ids[1]}", json={"text": f"  {new_text} "})
    assert response.status_code == 200, response.text
    chunk = response.json()
    embedder = get_local_embedder(settings.local_embedding_model_path)
    tokens = embedder.count_tokens([new_text])[0]
    assert (chunk["id"], chunk["index"], chunk["text"]) == (str(ids[1]), 1, new_text)
    assert chunk["token_count"] == tokens

    stored = await db.scalar(select(Chunk.embedding).where(Chunk.id == ids[1]))
    assert stored is not None
    expected = embedder.embed([new_text])[0]
    assert np.allclose(np.asarray(stored), expected, atol=1e-5)
    # The generated search column follows the new text.
    found = await db.scalar(
        select(func.count())
        .select_from(Chunk)
        .where(
            Chunk.id == ids[1],
            Chunk.search_vector.op("@@")(func.plainto_tsquery("simple", "warranty")),
        )
    )
    assert found == 1
    after = (await client.get(base)).json()["token_count"]
    old_tokens = embedder.count_tokens([TEXTS[1]])[0]
    assert after == before - old_tokens + tokens


async def test_chunk_edit_validation_and_indexing_conflict(
    client: AsyncClient, db: AsyncSession, settings: Settings
) -> None:
    base, document, ids = await _setup(client, db, settings)
    for bad in ({"text": ""}, {"text": "   "}, {"text": "x" * 8001}, {}):
        refused = await client.patch(f"{base}/chunks/{ids[0]}", json=bad)
        assert refused.status_code == 422, bad
        assert refused.json()["errors"][0]["field"] == "body.text", bad
    assert (
        await client.patch(f"{base}/chunks/{ids[0]}", json={"text": "x" * 8000})
    ).status_code == 200

    stored = await db.get(Document, document)
    assert stored is not None
    stored.status = DocumentStatus.embedding
    await db.commit()
    busy = await client.patch(f"{base}/chunks/{ids[0]}", json={"text": "Later"})
    assert busy.status_code == 409


async def test_another_tenants_chunks_are_not_found(
    client: AsyncClient, db: AsyncSession, settings: Settings
) -> None:
    other = await create_owner(db)
    their_document = await make_document(db, other.tenant.id)
    their_chunks = await make_chunks(db, settings, other.tenant.id, their_document)
    base, _document, _ids = await _setup(client, db, settings)
    knowledge = base.rsplit("/documents/", 1)[0]

    theirs = f"{knowledge}/documents/{their_document}"
    assert (await client.get(f"{theirs}/chunks")).status_code == 404
    edit = {"text": "hijacked"}
    assert (await client.patch(f"{theirs}/chunks/{their_chunks[0]}", json=edit)).status_code == 404
    # Their chunk under my document is not found either.
    assert (await client.patch(f"{base}/chunks/{their_chunks[0]}", json=edit)).status_code == 404
    assert (await client.patch(f"{base}/chunks/{uuid.uuid4()}", json=edit)).status_code == 404
    other_url = f"/api/v1/tenants/{other.tenant.id}/knowledge/documents/{their_document}/chunks"
    assert (await client.get(other_url)).status_code == 404
    text = await db.scalar(select(Chunk.text).where(Chunk.id == their_chunks[0]))
    assert text == TEXTS[0]
