"""The vector leg of knowledge search: the nearest chunks in scope, exactly or through HNSW.

Split from `search` (which fuses it with the full-text leg); see `nearest` for how a tenant
filter keeps its recall.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Float,
    Integer,
    Uuid,
    any_,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from agentplatform.knowledge.models import EMBEDDING_DIMENSIONS, Chunk

#: At most this many filtered rows are searched exactly instead of through the HNSW index. Exact
#: means reading every filtered row (each carries a 1.5 kB vector): about 45 ms for 20,000 rows on
#: the embedded test server, of which the distance arithmetic is under 10 ms, against 15-25 ms for
#: the iterative index scan. Below this size an exact answer is worth its cost.
EXACT_SCAN_MAX_ROWS = 20_000

#: pgvector's default HNSW candidate list, and its limit.
HNSW_EF_SEARCH_MIN = 40
HNSW_EF_SEARCH_MAX = 1_000
#: pgvector's default and our cap for the tuples an iterative scan may visit.
HNSW_MAX_SCAN_TUPLES_DEFAULT = 20_000
HNSW_MAX_SCAN_TUPLES_CAP = 1_000_000


@dataclass(frozen=True, slots=True)
class ChunkScope:
    """A scope turned into conditions on the chunk table alone (no join on the hot path): the
    tenant, and the ids of the documents the filters leave (None: no filter)."""

    tenant_id: uuid.UUID
    document_ids: list[uuid.UUID] | None
    rows: int  # chunks in scope according to their documents' chunk_count
    table_rows: float  # the planner's estimate of the chunk table's rows (-1: never analysed)
    has_terms: bool  # the query has a term the full-text index can look up

    def chunks(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [Chunk.tenant_id == self.tenant_id]
        if self.document_ids is not None:
            ids = bindparam("scope_document_ids", self.document_ids, type_=ARRAY(Uuid))
            conditions.append(Chunk.document_id == any_(ids))
        return conditions


async def nearest(
    connection: AsyncConnection,
    scope: ChunkScope,
    query_vector: list[float],
    *,
    candidates: int,
    exact_scan_max_rows: int,
) -> list[tuple[uuid.UUID, float]]:
    """(chunk id, cosine distance) of the nearest `candidates` chunks in scope, nearest first.

    How the tenant filter keeps its recall:

    1. A small filtered set is searched exactly. The size comes cheaply from the documents in
       scope (the sum of their `chunk_count`, no chunk read); if that says "small", the distances
       of at most `exact_scan_max_rows` + 1 filtered rows are computed inside a MATERIALIZED CTE
       and sorted outside it. The ORDER BY is on the CTE's output, which no index can serve, so
       the HNSW index cannot be used. The same statement counts the rows it saw: more than the
       threshold means `chunk_count` understated the set, the answer is discarded and step 2
       runs, so a stale count costs time, never results. Chosen over `SET LOCAL
       enable_indexscan = off` because it is scoped to the one statement (a SET LOCAL lasts for
       the rest of the caller's transaction) and leaves the planner free to reach the filtered
       rows through the b-tree on (tenant_id, document_id).
    2. A large one goes through the plain `ORDER BY embedding <=> :qv LIMIT n` that the HNSW
       index serves, run by the SQL function `knowledge_nearest_chunks` (migration 0006) in one
       round trip, with transaction-local settings: `hnsw.iterative_scan = relaxed_order`, so
       the scan resumes until n rows pass the filter; `hnsw.ef_search` sized so that the first
       pass already holds about n rows that pass (see `_candidate_list`); and
       `hnsw.max_scan_tuples` raised when the filter is selective (about n x table rows /
       filtered rows tuples are visited to find n matches). The function puts the previous
       values back afterwards. Relaxed order can return rows slightly out of order, so they are
       sorted again here. The planner may still prefer a b-tree and a sort
       when its statistics say the filter is selective; that answer is exact too.
    """
    distance = Chunk.embedding.op("<=>", return_type=Float)(query_vector).label("distance")
    nearest = select(Chunk.id.label("chunk_id"), distance).where(
        Chunk.embedding.is_not(None), *scope.chunks()
    )
    estimated_rows, table_rows = scope.rows, scope.table_rows

    if estimated_rows <= exact_scan_max_rows:
        every = nearest.limit(exact_scan_max_rows + 1).cte("filtered").prefix_with("MATERIALIZED")
        seen = select(func.count()).select_from(every).scalar_subquery()
        exact = (
            select(every.c.chunk_id, every.c.distance, seen.label("seen"))
            .order_by(every.c.distance, every.c.chunk_id)
            .limit(candidates)
        )
        rows = (await connection.execute(exact)).all()
        if not rows or rows[0].seen <= exact_scan_max_rows:
            return [(row.chunk_id, float(row.distance)) for row in rows]

    filtered_rows = max(estimated_rows, exact_scan_max_rows + 1)
    nearest_rows = await connection.execute(
        _NEAREST_CHUNKS,
        {
            "tenant_id": scope.tenant_id,
            "document_ids": scope.document_ids,
            "query_vector": query_vector,
            "limit": candidates,
            "ef_search": _candidate_list(candidates, filtered_rows, table_rows),
            "max_scan_tuples": _scan_budget(candidates, filtered_rows, table_rows),
        },
    )
    found = [(row.chunk_id, float(row.distance)) for row in nearest_rows]
    return sorted(found, key=lambda row: (row[1], str(row[0])))


#: The index path in one round trip: migration 0006's function sets the index settings
#: transaction-locally, runs the ordered index scan (planned with the call's values) and puts the
#: settings back.
_NEAREST_CHUNKS = text(
    "SELECT chunk_id, distance FROM knowledge_nearest_chunks("
    ":tenant_id, :document_ids, :query_vector, :limit, :ef_search, :max_scan_tuples)"
).bindparams(
    bindparam("tenant_id", type_=Uuid),
    bindparam("document_ids", type_=ARRAY(Uuid)),
    bindparam("query_vector", type_=Vector(EMBEDDING_DIMENSIONS)),
    bindparam("limit", type_=Integer),
    bindparam("ef_search", type_=Integer),
    bindparam("max_scan_tuples", type_=Integer),
)


#: How many times the rows a filter is expected to leave `_candidate_list` asks for.
EF_SEARCH_MARGIN = 1.5


def _candidate_list(candidates: int, filtered_rows: int, table_rows: float) -> int:
    """hnsw.ef_search: large enough that the first pass over the graph holds about 1.5 x
    `candidates` rows that pass the filter (1.5 x candidates x table / filtered).

    The graph's own recall is near perfect at the default 40 for the nearest few, but a tenant
    holding a fifth of the table needs its nearest 10 from about the table's nearest 50, and the
    tail of a 40-long list is where an approximate search errs. Measured at 100k chunks of 500k
    (bench/knowledge.py; parallel HNSW builds differ a little): recall@10 0.94 at 40, 0.95-0.98
    at 200 (= 40 x 5), 0.987 at 300 and 0.99 at 400 on the weakest build. Iterative scanning
    still covers a filter more selective than the estimate.
    """
    if table_rows <= 0:
        return min(max(candidates, HNSW_EF_SEARCH_MIN), HNSW_EF_SEARCH_MAX)
    wanted = EF_SEARCH_MARGIN * candidates * table_rows / max(filtered_rows, 1)
    return int(min(max(wanted, candidates, HNSW_EF_SEARCH_MIN), HNSW_EF_SEARCH_MAX))


def _scan_budget(candidates: int, filtered_rows: int, table_rows: float) -> int:
    """hnsw.max_scan_tuples: visiting `candidates` x (table / filtered) tuples finds `candidates`
    matches when the filtered rows are spread through the graph; allow four times that."""
    if table_rows <= 0:  # never analysed: the estimate is unknown (-1)
        return HNSW_MAX_SCAN_TUPLES_DEFAULT
    expected = candidates * table_rows / max(filtered_rows, 1)
    return int(min(max(4 * expected, HNSW_MAX_SCAN_TUPLES_DEFAULT), HNSW_MAX_SCAN_TUPLES_CAP))
