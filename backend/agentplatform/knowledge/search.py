"""Knowledge search: vector, full-text and hybrid (Reciprocal Rank Fusion) over a tenant's chunks.

A service function with no HTTP: the caller resolves the tenant and embeds the query (the query
vector must come from the model that embedded the chunks). Every chunk of the tenant's documents
is searched, narrowed by the optional document, collection and tag filters: a document has chunks
only once indexed, and while it is indexed again (or after that failed) its previous chunks keep
serving until new ones replace them. `None` means "no filter"; an empty sequence means "nothing
matches" (an agent restricted to no collection must not see all of them).

Two legs, each returning at most `candidates` chunk ids with their rank (1 = best):

- vector: cosine distance to the query vector (`embedding <=> :qv`). HNSW applies a WHERE clause
  after the index scan, so a tenant filter can leave fewer rows than asked for. Two defences:
  a small filtered set (the common case: one tenant's ready chunks) is searched exactly; a large
  one uses the index with pgvector 0.8's iterative scans, which keep walking the graph until the
  LIMIT is met (see `vector_leg.nearest`).
- text: `websearch_to_tsquery('simple', :q)` against the generated `search_vector`, ranked by
  `ts_rank_cd`. A query without a positive term (punctuation only, `-word` only) has no text leg.

Hybrid mode fuses the two rankings with RRF: score = sum over the legs of 1 / (60 + rank). The
single-leg modes score with 1 - cosine distance (vector) or `ts_rank_cd` (text).

Highlights are HTML: the chunk text escaped, with `<mark>`/`</mark>` around matched words and
nothing else unescaped. A chunk that matches the text query gets a `ts_headline` (two fragments
of up to 30 words); any other hit gets its first ~200 characters.
"""

from __future__ import annotations

import math
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Float,
    String,
    Uuid,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    null,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from agentplatform.knowledge import vector_leg
from agentplatform.knowledge.highlights import (
    HEADLINE_OPTIONS,
    escaped_text,
    snippet,
    tidy_headline,
)
from agentplatform.knowledge.models import (
    EMBEDDING_DIMENSIONS,
    Chunk,
    Document,
)
from agentplatform.knowledge.vector_leg import EXACT_SCAN_MAX_ROWS, ChunkScope

SearchMode = Literal["hybrid", "vector", "text"]
SEARCH_MODES: tuple[str, ...] = get_args(SearchMode)

RRF_K = 60
MAX_LIMIT = 100
MAX_CANDIDATES = 1_000

_TS_CONFIG: ColumnElement[Any] = literal_column("'simple'::regconfig")
_PG_CLASS = table("pg_class", column("oid"), column("reltuples"))


@dataclass(frozen=True, slots=True)
class SearchHit:
    chunk_id: uuid.UUID
    document_id: uuid.UUID
    document_title: str
    text: str
    heading_path: list[str]
    page_start: int | None
    page_end: int | None
    score: float
    vector_rank: int | None  # 1-based rank in the vector leg; None when not among its candidates
    text_rank: int | None  # 1-based rank in the text leg; None when not among its candidates
    highlight: str  # HTML: escaped text, <mark> around matched words


@dataclass(frozen=True, slots=True)
class FusedRank:
    """A chunk's place before its row is loaded: its score and its rank in each leg."""

    chunk_id: uuid.UUID
    score: float
    vector_rank: int | None
    text_rank: int | None


async def search(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    query: str,
    query_vector: Sequence[float],
    *,
    mode: SearchMode = "hybrid",
    limit: int = 10,
    document_ids: Sequence[uuid.UUID] | None = None,
    collection_ids: Sequence[uuid.UUID] | None = None,
    tags: Sequence[str] | None = None,
    candidates: int = 40,
    exact_scan_max_rows: int = EXACT_SCAN_MAX_ROWS,
) -> list[SearchHit]:
    """The best `limit` chunks for the query, best first.

    `query_vector` is ignored in text mode (pass `[]`). `candidates` is how many rows each leg
    contributes before fusion (raised to `limit` if smaller). `exact_scan_max_rows` is the size
    of the filtered set up to which the vector leg scans exactly; 0 always uses the HNSW index.
    Runs inside the session's transaction and changes nothing (the index settings it needs are
    transaction-local and put back).
    """
    if mode not in SEARCH_MODES:
        raise ValueError(f"mode must be one of {', '.join(SEARCH_MODES)}, got {mode!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if not 1 <= candidates <= MAX_CANDIDATES:
        raise ValueError(f"candidates must be between 1 and {MAX_CANDIDATES}, got {candidates}")
    if exact_scan_max_rows < 0:
        raise ValueError("exact_scan_max_rows must not be negative")
    candidates = max(candidates, limit)
    vector: list[float] = []
    if mode != "text":
        vector = [float(value) for value in query_vector]
        if len(vector) != EMBEDDING_DIMENSIONS:
            raise ValueError(
                f"query_vector must have {EMBEDDING_DIMENSIONS} dimensions, got {len(vector)}"
            )
        if not all(math.isfinite(value) for value in vector) or not any(vector):
            raise ValueError("query_vector must be finite and not all zeros")

    if any(values is not None and not values for values in (document_ids, collection_ids, tags)):
        return []
    # Core statements on the session's connection: the ORM's per-statement work is not needed
    # for rows of plain columns, and a search is a handful of round trips where it shows.
    connection = await session.connection()
    scope = await _resolve(
        connection,
        query,
        _Scope(
            tenant_id=tenant_id,
            document_ids=None if document_ids is None else list(document_ids),
            collection_ids=None if collection_ids is None else list(collection_ids),
            tags=None if tags is None else list(tags),
        ),
    )
    if scope.document_ids == []:
        return []
    has_terms = scope.has_terms

    vector_ranking: list[tuple[uuid.UUID, float]] = []
    text_ranking: list[tuple[uuid.UUID, float]] = []
    if mode != "text":
        vector_ranking = await vector_leg.nearest(
            connection,
            scope,
            vector,
            candidates=candidates,
            exact_scan_max_rows=exact_scan_max_rows,
        )
    if mode != "vector" and has_terms:
        text_ranking = await _text_leg(connection, scope, query, candidates=candidates)

    if mode == "vector":
        ranked = [
            FusedRank(chunk_id, 1.0 - distance, rank, None)
            for rank, (chunk_id, distance) in enumerate(vector_ranking, start=1)
        ]
    elif mode == "text":
        ranked = [
            FusedRank(chunk_id, rank_cd, None, rank)
            for rank, (chunk_id, rank_cd) in enumerate(text_ranking, start=1)
        ]
    else:
        ranked = fuse(
            [chunk_id for chunk_id, _ in vector_ranking], [chunk_id for chunk_id, _ in text_ranking]
        )
    ranked = ranked[:limit]
    if not ranked:
        return []
    return await _load_hits(connection, scope, ranked, query if has_terms else None)


def fuse(
    vector_ids: Sequence[uuid.UUID], text_ids: Sequence[uuid.UUID], k: int = RRF_K
) -> list[FusedRank]:
    """Reciprocal Rank Fusion of two rankings (best first): score = sum of 1 / (k + rank).

    Ties go to the better best rank, then to the vector leg, then to the id (stable output).
    """
    vector_rank = {chunk_id: rank for rank, chunk_id in enumerate(vector_ids, start=1)}
    text_rank = {chunk_id: rank for rank, chunk_id in enumerate(text_ids, start=1)}
    fused = [
        FusedRank(
            chunk_id,
            sum(
                1.0 / (k + rank)
                for rank in (vector_rank.get(chunk_id), text_rank.get(chunk_id))
                if rank is not None
            ),
            vector_rank.get(chunk_id),
            text_rank.get(chunk_id),
        )
        for chunk_id in dict.fromkeys([*vector_ids, *text_ids])
    ]

    def order(item: FusedRank) -> tuple[float, int, int, str]:
        ranks = [rank for rank in (item.vector_rank, item.text_rank) if rank is not None]
        vector = item.vector_rank if item.vector_rank is not None else sys.maxsize
        return (-item.score, min(ranks), vector, str(item.chunk_id))

    return sorted(fused, key=order)


# --- scope ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Scope:
    """Which chunks a search may return: the tenant's, within the filters."""

    tenant_id: uuid.UUID
    document_ids: list[uuid.UUID] | None
    collection_ids: list[uuid.UUID] | None
    tags: list[str] | None

    @property
    def narrowed(self) -> bool:
        return any(f is not None for f in (self.document_ids, self.collection_ids, self.tags))

    def documents(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [Document.tenant_id == self.tenant_id]
        if self.document_ids is not None:
            conditions.append(Document.id.in_(self.document_ids))
        if self.collection_ids is not None:
            conditions.append(Document.collection_id.in_(self.collection_ids))
        if self.tags is not None:
            conditions.append(Document.tags.overlap(self.tags))
        return conditions


async def _resolve(connection: AsyncConnection, query: str, scope: _Scope) -> ChunkScope:
    """One query: the documents the filters leave (if any filter), the size of the scope and
    the table's size for the vector leg's plan, and whether the query has text terms."""
    table_rows = (
        select(_PG_CLASS.c.reltuples)
        .where(_PG_CLASS.c.oid == cast(literal(Chunk.__tablename__), REGCLASS))
        .scalar_subquery()
    )
    terms = _query_tree(query)
    if not scope.narrowed:
        in_scope = (
            select(func.coalesce(func.sum(Document.chunk_count), 0))
            .where(*scope.documents())
            .scalar_subquery()
        )
        total = (await connection.execute(select(in_scope, table_rows, terms))).one()
        return ChunkScope(
            scope.tenant_id, None, int(total[0]), _reltuples(total[1]), _has_terms(total[2])
        )
    documents = select(Document.id, Document.chunk_count).where(*scope.documents()).subquery()
    narrowed = (
        await connection.execute(
            select(
                func.coalesce(func.array_agg(documents.c.id), literal([], ARRAY(Uuid))),
                func.coalesce(func.sum(documents.c.chunk_count), 0),
                table_rows,
                terms,
            ).select_from(documents)
        )
    ).one()
    return ChunkScope(
        scope.tenant_id,
        list(narrowed[0]),
        int(narrowed[1]),
        _reltuples(narrowed[2]),
        _has_terms(narrowed[3]),
    )


def _reltuples(value: float | None) -> float:
    return float(value) if value is not None else -1.0


# --- text leg ---------------------------------------------------------------------------------


def _tsquery(query: str) -> ColumnElement[Any]:
    return func.websearch_to_tsquery(_TS_CONFIG, literal(query, String))


def _matches(query: str) -> ColumnElement[bool]:
    return Chunk.search_vector.bool_op("@@")(_tsquery(query))


def _query_tree(query: str) -> ColumnElement[Any]:
    """What the full-text index would look up for the query (see `_has_terms`).

    A query without a letter or digit is not sent at all (websearch_to_tsquery would only answer
    it with a NOTICE).
    """
    if not any(char.isalnum() for char in query):
        return null()
    return func.querytree(_tsquery(query))


def _has_terms(tree: str | None) -> bool:
    """`querytree` is '' for a query without lexemes and 'T' for one made only of negations
    ("-word"), which would match nearly every chunk with rank 0: neither has a text leg."""
    return tree not in (None, "", "T")


async def _text_leg(
    connection: AsyncConnection, scope: ChunkScope, query: str, *, candidates: int
) -> list[tuple[uuid.UUID, float]]:
    """(chunk id, ts_rank_cd) of the best `candidates` full-text matches in scope, best first."""
    rank = func.ts_rank_cd(Chunk.search_vector, _tsquery(query), type_=Float).label("rank")
    statement = (
        select(Chunk.id.label("chunk_id"), rank)
        .where(*scope.chunks(), _matches(query))
        .order_by(rank.desc(), Chunk.id)
        .limit(candidates)
    )
    return [(row.chunk_id, float(row.rank)) for row in await connection.execute(statement)]


# --- hits and highlights ----------------------------------------------------------------------


async def _load_hits(
    connection: AsyncConnection,
    scope: ChunkScope,
    ranked: list[FusedRank],
    query: str | None,
) -> list[SearchHit]:
    """The ranked chunks with their document and highlight (ts_headline only for the few shown)."""
    headline: ColumnElement[Any] = null()
    if query is not None:
        # Only chunks that match the query as a whole, as the text leg requires, get a headline.
        headline = case(
            (
                _matches(query),
                func.ts_headline(
                    _TS_CONFIG,
                    escaped_text(Chunk.text),
                    _tsquery(query),
                    HEADLINE_OPTIONS,
                    type_=String,
                ),
            ),
            else_=null(),
        )
    statement = (
        select(
            Chunk.id,
            Chunk.document_id,
            Document.title,
            Chunk.text,
            Chunk.heading_path,
            Chunk.page_start,
            Chunk.page_end,
            headline.label("headline"),
        )
        .join(Document, Document.id == Chunk.document_id)
        .where(
            *scope.chunks(),
            Document.tenant_id == scope.tenant_id,
            Chunk.id.in_([item.chunk_id for item in ranked]),
        )
    )
    rows = {row.id: row for row in await connection.execute(statement)}
    hits: list[SearchHit] = []
    for item in ranked:
        row = rows.get(item.chunk_id)
        if row is None:  # deleted since the legs ran
            continue
        hits.append(
            SearchHit(
                chunk_id=row.id,
                document_id=row.document_id,
                document_title=row.title,
                text=row.text,
                heading_path=list(row.heading_path or []),
                page_start=row.page_start,
                page_end=row.page_end,
                score=item.score,
                vector_rank=item.vector_rank,
                text_rank=item.text_rank,
                highlight=(
                    tidy_headline(row.headline) if row.headline is not None else snippet(row.text)
                ),
            )
        )
    return hits
