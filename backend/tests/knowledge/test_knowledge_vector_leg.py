"""The vector leg's index path: a tenant filter keeps its recall (iterative scans, a candidate
list sized to the filter), a stale chunk count costs time but not results, and the settings it
changes are put back. Random clustered vectors, an HNSW index built after the rows."""

from __future__ import annotations

import io
import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import numpy as np
import numpy.typing as npt
import pytest
from agentplatform.knowledge.documents.models import Document, DocumentStatus, SourceKind
from agentplatform.knowledge.search.query import search
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.knowledge.test_knowledge_search import add_tenant, ids

ROWS_PER_TENANT = 3_000
DIMENSIONS = 384


@pytest.fixture
async def vacuum_chunks_afterwards(raw_pg: asyncpg.Connection) -> AsyncIterator[None]:
    """Requested before `db`, so it runs after the rollback: VACUUM removes the rolled-back rows'
    entries from the HNSW graph, which later tests would otherwise have to walk past."""
    yield
    await raw_pg.execute("VACUUM chunk")


Matrix = npt.NDArray[np.float64]


def unit_rows(vectors: Matrix) -> Matrix:
    return np.asarray(vectors / np.linalg.norm(vectors, axis=1, keepdims=True), dtype=np.float64)


def topic_centres(rng: np.random.Generator, count: int = 40) -> Matrix:
    return unit_rows(rng.standard_normal((count, DIMENSIONS)))


def clustered_unit_vectors(rng: np.random.Generator, count: int, centres: Matrix) -> Matrix:
    """Vectors around shared centres, like embeddings of documents on a handful of topics."""
    picks = centres[rng.integers(0, len(centres), size=count)]
    return unit_rows(picks + 0.35 * rng.standard_normal((count, DIMENSIONS)) / np.sqrt(DIMENSIONS))


async def add_random_chunks(
    db: AsyncSession, tenant_id: uuid.UUID, vectors: Matrix, *, chunk_count: int | None = None
) -> tuple[uuid.UUID, set[uuid.UUID]]:
    """One ready document with a chunk per vector, written with COPY (`chunk_count`: what the
    document claims, by default the truth)."""
    document = Document(
        tenant_id=tenant_id,
        title="Random",
        source_kind=SourceKind.text,
        content_type="text",
        size_bytes=1,
        sha256=secrets.token_hex(32),
        storage_key="test/random",
        status=DocumentStatus.ready,
        chunk_count=len(vectors) if chunk_count is None else chunk_count,
    )
    db.add(document)
    await db.flush()
    chunk_ids = [uuid.uuid4() for _ in vectors]
    lines = [
        f"{chunk_id}\t{tenant_id}\t{document.id}\t{index}\trandom chunk {index}\t{{}}\t3\t"
        f"[{','.join(map(repr, vector.tolist()))}]\n"
        for index, (chunk_id, vector) in enumerate(
            zip(chunk_ids, np.round(vectors, 6), strict=True)
        )
    ]
    connection = await db.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert isinstance(driver, asyncpg.Connection)
    await driver.copy_to_table(
        "chunk",
        source=io.BytesIO("".join(lines).encode()),
        columns=[
            "id",
            "tenant_id",
            "document_id",
            "index",
            "text",
            "heading_path",
            "token_count",
            "embedding",
        ],
    )
    return document.id, set(chunk_ids)


@asynccontextmanager
async def hnsw_index_built_afterwards(db: AsyncSession) -> AsyncIterator[None]:
    """Bulk rows without per-row HNSW inserts: the index is dropped and built again from its own
    definition (a few times faster; all inside the test's transaction, so rolled back with it)."""
    definition = await db.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_chunk_embedding_hnsw'")
    )
    assert definition is not None
    await db.execute(text("DROP INDEX ix_chunk_embedding_hnsw"))
    yield
    await db.execute(text(definition))


async def analyze(db: AsyncSession) -> None:
    """Statistics for the planner, as autovacuum would gather them: without them it guesses the
    table is tiny and never picks the HNSW index."""
    await db.execute(text("ANALYZE chunk"))
    await db.execute(text("ANALYZE document"))


async def hnsw_scans(db: AsyncSession) -> int:
    """Scans of the HNSW index so far in this transaction."""
    scans = await db.scalar(
        text("SELECT pg_stat_get_xact_numscans('ix_chunk_embedding_hnsw'::regclass)")
    )
    return int(scans or 0)


async def test_filtered_hnsw_search_keeps_its_recall(
    vacuum_chunks_afterwards: None, db: AsyncSession
) -> None:
    rng = np.random.default_rng(4471)
    centres = topic_centres(rng)
    tenant_a, tenant_b = await add_tenant(db), await add_tenant(db)
    async with hnsw_index_built_afterwards(db):
        document_a, mine = await add_random_chunks(
            db, tenant_a, clustered_unit_vectors(rng, ROWS_PER_TENANT, centres)
        )
        _, theirs = await add_random_chunks(
            db, tenant_b, clustered_unit_vectors(rng, ROWS_PER_TENANT, centres)
        )
    queries = clustered_unit_vectors(rng, 20, centres)
    await analyze(db)
    # At 6,000 rows the planner rightly prefers sorting the tenant's 3,000 rows to walking the
    # graph with the candidate list a half-table filter asks for; this test is about the walk.
    await db.execute(text("SET LOCAL enable_sort = off"))

    recalls: list[float] = []
    exact_answers: list[list[uuid.UUID]] = []
    for query in queries:
        vector = [float(value) for value in query]
        before = await hnsw_scans(db)
        exact = await search(db, tenant_a, "", vector, mode="vector", candidates=40)
        assert await hnsw_scans(db) == before  # the small-tenant path never touches the index
        approximate = await search(
            db, tenant_a, "", vector, mode="vector", candidates=40, exact_scan_max_rows=0
        )
        assert await hnsw_scans(db) == before + 1  # the index path does use it

        assert len(exact) == len(approximate) == 10
        assert set(ids(approximate)) <= mine
        assert not set(ids(approximate)) & theirs
        assert [hit.score for hit in approximate] == sorted(
            (hit.score for hit in approximate), reverse=True
        )
        recalls.append(len(set(ids(exact)) & set(ids(approximate))) / 10)
        exact_answers.append(ids(exact))

    assert float(np.mean(recalls)) >= 0.9, recalls

    # A document that understates its chunk_count sends the search down the exact path first;
    # it sees more rows than the threshold allows and answers through the index instead.
    await db.execute(text("UPDATE document SET chunk_count = 0 WHERE id = :id"), {"id": document_a})
    stale_recalls: list[float] = []
    for query, expected in zip(queries, exact_answers, strict=True):
        before = await hnsw_scans(db)
        hits = await search(
            db, tenant_a, "", [float(v) for v in query], mode="vector", exact_scan_max_rows=500
        )
        assert await hnsw_scans(db) == before + 1
        assert len(hits) == 10
        assert set(ids(hits)) <= mine
        stale_recalls.append(len(set(ids(hits)) & set(expected)) / 10)
    assert float(np.mean(stale_recalls)) >= 0.9, stale_recalls


async def test_the_index_path_fills_its_candidates_through_a_selective_filter(
    vacuum_chunks_afterwards: None, db: AsyncSession
) -> None:
    """A filter that keeps one row in ten: with ef_search=40 and no iterative scan the index
    would hand up about four matching rows; with them the leg returns all it was asked for."""
    rng = np.random.default_rng(7)
    centres = topic_centres(rng)
    tenant = await add_tenant(db)
    async with hnsw_index_built_afterwards(db):
        await add_random_chunks(db, tenant, clustered_unit_vectors(rng, 2_700, centres))
        small_document, small = await add_random_chunks(
            db, tenant, clustered_unit_vectors(rng, 300, centres)
        )
    query = [float(value) for value in clustered_unit_vectors(rng, 1, centres)[0]]
    await analyze(db)
    # With statistics the planner rightly sorts 300 rows itself rather than walk the graph; this
    # test is about the graph walk, so a sort is made to look expensive.
    await db.execute(text("SET LOCAL enable_sort = off"))
    options: dict[str, Any] = {"mode": "vector", "document_ids": [small_document]}
    before = await hnsw_scans(db)

    hits = await search(
        db, tenant, "", query, limit=100, candidates=100, exact_scan_max_rows=0, **options
    )

    assert await hnsw_scans(db) == before + 1
    assert len(hits) == 100
    assert set(ids(hits)) <= small
    exact = await search(db, tenant, "", query, limit=100, candidates=100, **options)
    assert len(set(ids(exact)) & set(ids(hits))) >= 90
    # The settings are back to what they were before the search.
    settings = (
        await db.execute(
            text("SELECT current_setting('hnsw.iterative_scan'), current_setting('hnsw.ef_search')")
        )
    ).one()
    assert tuple(settings) == ("off", "40")


async def test_embeddings_are_stored_in_the_row(db: AsyncSession) -> None:
    """A chunk row passes PostgreSQL's 2 kB TOAST threshold; the vector must stay in it all the
    same (migration 0008), or every distance first reads the TOAST table."""
    tenant = await add_tenant(db)
    rng = np.random.default_rng(1)
    document, _ = await add_random_chunks(db, tenant, unit_rows(rng.standard_normal((3, 384))))
    await db.execute(
        text("UPDATE chunk SET text = repeat('long chunk text ', 150) WHERE document_id = :id"),
        {"id": document},
    )
    storage = await db.scalar(
        text(
            "SELECT attstorage::text FROM pg_attribute "
            "WHERE attrelid = 'chunk'::regclass AND attname = 'embedding'"
        )
    )
    assert storage == "p"
    # Every vector of these 4 kB rows is in the heap row itself, none in the TOAST table.
    toasted = await db.scalar(
        text(
            "SELECT count(*) FROM chunk WHERE document_id = :id "
            "AND pg_column_toast_chunk_id(embedding) IS NOT NULL"
        ),
        {"id": document},
    )
    assert toasted == 0
    assert (
        await db.scalar(
            text("SELECT min(pg_column_size(chunk.*)) FROM chunk WHERE document_id = :id"),
            {"id": document},
        )
        > 2_032
    )
