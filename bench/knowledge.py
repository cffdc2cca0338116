"""Knowledge benchmarks: ingestion throughput against the bare embedder, and search latency/recall.

Ingestion: one Markdown document goes through the real pipeline (parse, chunk, embed with the
local model, store with pgvector) and is compared with embedding the same chunk texts alone, in
the same run. Search: `tenant_chunks` chunks in one tenant among `total_chunks` in the table
(synthetic embeddings, see `VectorSource`; texts drawn with Zipf frequencies from 5,000 words),
the migrations' HNSW and GIN indexes built after a COPY; p50/p95 latency of
`knowledge.search.search` per mode and recall@10 against an exact search of the same tenant's
rows, with the exact search's own latency as the baseline. Uses an embedded PostgreSQL in a
temporary directory.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import numpy as np
from agentplatform.ai.local_embedder import get_local_embedder
from agentplatform.core.db import create_engine, create_sessionmaker
from agentplatform.core.embedded import start_postgres
from agentplatform.core.migrations import upgrade_head
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.storage import LocalStorage, storage_key
from agentplatform.knowledge.index.indexing import index_next
from agentplatform.knowledge.index.models import EMBEDDING_DIMENSIONS
from agentplatform.knowledge.search.query import SearchMode, search
from pgvector.asyncpg import register_vector
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

MODES: tuple[SearchMode, ...] = ("vector", "text", "hybrid")

WORDS = [
    "price",
    "plan",
    "premium",
    "support",
    "warehouse",
    "delivery",
    "refund",
    "invoice",
    "contract",
    "discount",
    "order",
    "shipping",
    "return",
    "warranty",
    "bracket",
    "adapter",
    "cable",
    "sensor",
    "install",
    "manual",
    "schedule",
    "meeting",
    "account",
    "password",
    "payment",
    "card",
    "bank",
    "transfer",
    "tax",
    "receipt",
    "quote",
    "lead",
    "pipeline",
    "stage",
]


# Search texts draw from a larger vocabulary with Zipf-like frequencies, as real text does; queries
# use words of middling frequency (a query of the commonest words would rank most of the table).
VOCABULARY = np.array([f"w{i:04d}" for i in range(5000)])
_ZIPF = 1.0 / np.arange(1, len(VOCABULARY) + 1)
ZIPF_P = _ZIPF / _ZIPF.sum()
QUERY_WORDS = VOCABULARY[200:2000]


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


# --- ingestion ----------------------------------------------------------------------------------


def _document(paragraphs: int) -> bytes:
    rng = np.random.default_rng(7)
    lines = []
    for i in range(paragraphs):
        if i % 8 == 0:
            lines.append(f"# Section {i // 8}\n")
        words = rng.choice(WORDS, size=60)
        lines.append(" ".join(words).capitalize() + ".\n")
    return "\n".join(lines).encode()


async def _ingest(database_url: str, data_dir: Path, paragraphs: int) -> tuple[int, float, float]:
    settings = Settings(
        database_url=database_url, redis_url="redis://unused", storage_dir=data_dir / "storage"
    )
    engine = create_engine(settings)
    maker = create_sessionmaker(engine)
    storage = LocalStorage(settings.storage_path)
    data = _document(paragraphs)
    tenant_id, document_id = uuid.uuid4(), uuid.uuid4()
    digest = uuid.uuid4().hex * 2
    key = storage_key(tenant_id, digest, document_id)
    await storage.put(key, data)
    async with maker() as session, session.begin():
        await session.execute(
            text("INSERT INTO tenant (id, name, slug) VALUES (:id, 'Bench', :slug)"),
            {"id": tenant_id, "slug": f"bench-{tenant_id.hex[:8]}"},
        )
        await session.execute(
            text(
                "INSERT INTO document (id, tenant_id, title, source_kind, content_type, "
                "size_bytes, sha256, storage_key, status) VALUES (:id, :t, 'Bench', 'upload', "
                "'markdown', :size, :sha, :key, 'queued')"
            ),
            {"id": document_id, "t": tenant_id, "size": len(data), "sha": digest, "key": key},
        )
    embedder = get_local_embedder()
    embedder.embed(["warm up"])
    started = time.perf_counter()
    outcome = await index_next(maker, storage, settings)
    end_to_end = time.perf_counter() - started
    assert outcome == "ready", outcome
    async with maker() as session:
        texts = list((await session.scalars(
            text("SELECT text FROM chunk WHERE document_id = :id ORDER BY index"),
            {"id": document_id},
        )).all())  # fmt: skip
    started = time.perf_counter()
    for i in range(0, len(texts), 32):
        embedder.embed(texts[i : i + 32])
    bare = time.perf_counter() - started
    await engine.dispose()
    return len(texts), end_to_end, bare


# --- search ---------------------------------------------------------------------------------------


class VectorSource:
    """Random unit vectors standing in for chunk embeddings, drawn around 200 topics.

    `topics` (the default): topics and chunks on a 32-dimensional subspace of the 384 dimensions,
    plus a little noise in all of them. Sentence embeddings are like this: their intrinsic
    dimension is low and topics blend into one another. A chunk's 10th nearest neighbour among
    100k is at cosine ~0.68 and an unrelated chunk at ~0.

    `islands`: 200 mutually orthogonal topics, each a tight ball (cosine ~0.9 inside, ~0 between)
    of noise spread over all 384 dimensions. A stress case no embedding model produces: the HNSW
    graph links the balls sparsely, and for a few percent of queries (which ones depends on the
    build) the search never reaches the right ball, whatever ef_search is: recall 0 for those.
    """

    def __init__(self, kind: str, rng: np.random.Generator) -> None:
        self.kind, self.rng = kind, rng
        if kind == "topics":
            self.basis, _ = np.linalg.qr(rng.standard_normal((EMBEDDING_DIMENSIONS, 32)))
            self.centres = rng.standard_normal((200, 32))
        elif kind == "islands":
            centres = rng.standard_normal((200, EMBEDDING_DIMENSIONS))
            self.centres = centres / np.linalg.norm(centres, axis=1, keepdims=True)
        else:
            raise ValueError(f"unknown vector source {kind!r}")

    def draw(self, n: int) -> np.ndarray:
        rng = self.rng
        picks = self.centres[rng.integers(0, len(self.centres), size=n)]
        if self.kind == "topics":
            latent = picks + rng.standard_normal(picks.shape)
            vectors = latent @ self.basis.T + 0.02 * rng.standard_normal((n, EMBEDDING_DIMENSIONS))
        else:
            noise = rng.standard_normal((n, EMBEDDING_DIMENSIONS)) / np.sqrt(EMBEDDING_DIMENSIONS)
            vectors = picks + 0.35 * noise
        unit: np.ndarray = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(
            np.float32
        )
        return unit


async def _load(
    dsn: str, tenant_chunks: int, total_chunks: int, vectors: str
) -> tuple[uuid.UUID, np.ndarray]:
    rng = np.random.default_rng(11)
    source = VectorSource(vectors, rng)
    conn = await asyncpg.connect(dsn)
    await register_vector(conn)
    try:
        tenants = [
            uuid.uuid4() for _ in range(max(1, (total_chunks - tenant_chunks) // 50_000) + 1)
        ]
        target = tenants[0]
        for t in tenants:
            await conn.execute(
                "INSERT INTO tenant (id, name, slug) VALUES ($1, 'Bench', $2)", t, f"b-{t.hex[:10]}"
            )
        # The migrations' own index definitions, built once after the COPY (much faster than
        # maintaining them row by row).
        definitions = [
            row["indexdef"]
            for row in await conn.fetch(
                "SELECT indexdef FROM pg_indexes WHERE indexname = ANY($1::text[])",
                ["ix_chunk_embedding_hnsw", "ix_chunk_search_vector"],
            )
        ]
        await conn.execute("DROP INDEX ix_chunk_embedding_hnsw, ix_chunk_search_vector")
        remaining = {target: tenant_chunks}
        others = tenants[1:]
        for i, t in enumerate(others):
            share = (total_chunks - tenant_chunks) // len(others)
            remaining[t] = share + (1 if i < (total_chunks - tenant_chunks) % len(others) else 0)
        for tenant, count in remaining.items():
            for start in range(0, count, 5000):
                size = min(5000, count - start)
                document = uuid.uuid4()
                await conn.execute(
                    "INSERT INTO document (id, tenant_id, title, source_kind, content_type, "
                    "size_bytes, sha256, storage_key, status, chunk_count) "
                    "VALUES ($1, $2, 'Bench', 'upload', 'text', 0, $3, 'x', 'ready', $4)",
                    document, tenant, uuid.uuid4().hex * 2, size,
                )  # fmt: skip
                embeddings = source.draw(size)
                words = rng.choice(VOCABULARY, size=(size, 24), p=ZIPF_P)
                records: list[tuple[Any, ...]] = [
                    (
                        uuid.uuid4(),
                        tenant,
                        document,
                        row,
                        " ".join(words[row]) + f" item-{start + row}",
                        [],
                        24,
                        embeddings[row],
                    )
                    for row in range(size)
                ]
                await conn.copy_records_to_table(  # binary COPY: no text formatting of floats
                    "chunk",
                    records=records,
                    columns=[
                        "id", "tenant_id", "document_id", "index", "text", "heading_path",
                        "token_count", "embedding",
                    ],
                )  # fmt: skip
        await conn.execute("SET maintenance_work_mem = '1GB'")
        for definition in definitions:
            await conn.execute(definition)
        await conn.execute("ANALYZE chunk")
        await conn.execute("ANALYZE document")
    finally:
        await conn.close()
    return target, source.draw(1000)


async def _measure(
    database_url: str, tenant: uuid.UUID, queries: np.ndarray, rounds: int
) -> list[tuple[str, float, float, float]]:
    """Per mode: p50/p95 latency of `rounds` searches, then their recall@10 against exact
    searches run afterwards (an exact scan reads every row of the tenant; run between the timed
    searches it would push the index out of the cache they rely on, as no real workload does).

    Each search is timed inside an open transaction, as in a request (whose transaction has
    begun with its authentication); the pool's checkout ping and BEGIN are a request's costs,
    not a search's. A warm-up of as many other queries comes first: a fresh connection's backend
    is slow until it has touched the shared memory the index lives in, and a pooled connection
    has long done so. The exact searches are timed too, as the baseline row.
    """
    settings = Settings(database_url=database_url, redis_url="redis://unused")
    engine = create_engine(settings)
    maker = create_sessionmaker(engine)
    rng = np.random.default_rng(5)
    asked = [
        (" ".join(rng.choice(QUERY_WORDS, size=2)), [float(x) for x in queries[i % len(queries)]])
        for i in range(2 * rounds)
    ]
    timed, warm_up = asked[:rounds], asked[rounds:]
    rows: list[tuple[str, float, float, float]] = []
    exact_latencies: list[float] = []
    async with maker() as session:
        for mode in MODES:
            for query, vector in warm_up:
                await search(session, tenant, query, vector, mode=mode, exact_scan_max_rows=0)
                await session.rollback()
            latencies, answers = [], []
            for query, vector in timed:
                await session.connection()  # the transaction a request would already hold
                started = time.perf_counter()
                hits = await search(
                    session,
                    tenant,
                    query,
                    vector,
                    mode=mode,
                    exact_scan_max_rows=0,
                )
                latencies.append((time.perf_counter() - started) * 1000)
                answers.append({h.chunk_id for h in hits})
                await session.rollback()
            recalls = []
            for (query, vector), found in zip(timed, answers, strict=True):
                truth, elapsed = await _truth(session, tenant, query, vector, mode)
                await session.rollback()
                if mode == "vector":
                    exact_latencies.append(elapsed)
                if truth:  # a query nothing matches has no recall to measure
                    recalls.append(len(found & set(truth)) / len(truth))
            rows.append(
                (
                    mode,
                    statistics.median(latencies),
                    _p(latencies, 0.95),
                    statistics.mean(recalls) if recalls else float("nan"),
                )
            )
    exact = ("vector, exact scan (baseline)", statistics.median(exact_latencies))
    rows.insert(0, (*exact, _p(exact_latencies, 0.95), 1.0))
    await engine.dispose()
    return rows


async def _truth(
    session: AsyncSession,
    tenant: uuid.UUID,
    query: str,
    vector: list[float],
    mode: SearchMode,
) -> tuple[list[uuid.UUID], float]:
    """The exact answer, and how long it took: the same search forced to scan every row of the
    tenant."""
    await session.execute(text("SET LOCAL enable_indexscan = off"))
    await session.execute(text("SET LOCAL enable_bitmapscan = off"))
    started = time.perf_counter()
    hits = await search(
        session,
        tenant,
        query,
        vector,
        mode=mode,
        exact_scan_max_rows=10**9,
    )
    return [h.chunk_id for h in hits], (time.perf_counter() - started) * 1000


def run(
    tenant_chunks: int, total_chunks: int, paragraphs: int, rounds: int, vectors: str = "topics"
) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-knowledge-") as tmp:
        data = Path(tmp)
        pg = start_postgres(data / "pg")
        try:
            database_url = pg.url()
            upgrade_head(database_url)
            chunks, end_to_end, bare = asyncio.run(_ingest(database_url, data, paragraphs))
            print(f"\nIngestion: one Markdown document of {paragraphs} paragraphs, local embedder")
            print("| pipeline                         | chunks | seconds | chunks/s | vs bare |")
            print("|----------------------------------|--------|---------|----------|---------|")
            print(f"| embedder alone (baseline)        | {chunks:>6} | {bare:>7.2f} | "
                  f"{chunks / bare:>8.1f} |   1.00x |")  # fmt: skip
            print(f"| parse + chunk + embed + store    | {chunks:>6} | {end_to_end:>7.2f} | "
                  f"{chunks / end_to_end:>8.1f} | {bare / end_to_end:>6.2f}x |")  # fmt: skip

            started = time.perf_counter()
            tenant, queries = asyncio.run(
                _load(pg.admin_dsn("agentplatform"), tenant_chunks, total_chunks, vectors)
            )
            load = time.perf_counter() - started
            rows = asyncio.run(_measure(database_url, tenant, queries, rounds))
            print(f"\nSearch: {tenant_chunks} chunks in the tenant among {total_chunks} "
                  f"({vectors} vectors, loaded and indexed in {load:.0f} s), "
                  f"{rounds} queries per mode, recall@10 against an exact scan of the tenant's "
                  "rows")  # fmt: skip
            print("| mode                          | p50 ms | p95 ms | recall@10 |")
            print("|-------------------------------|--------|--------|-----------|")
            for mode, p50, p95, recall in rows:
                print(f"| {mode:<29} | {p50:>6.1f} | {p95:>6.1f} | {recall:>9.3f} |")
        finally:
            pg.stop()
