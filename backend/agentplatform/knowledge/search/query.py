"""Knowledge search: vector, full-text and hybrid (Reciprocal Rank Fusion) over a tenant's chunks.

A service function with no HTTP: the caller resolves the tenant and embeds the query (the query
vector must come from the model that embedded the chunks). Every chunk of the tenant's documents
is searched, narrowed by the optional document, collection and tag filters: a document has chunks
only once indexed, and while it is indexed again (or after that failed) its previous chunks keep
serving until new ones replace them. `None` means "no filter"; an empty sequence means "nothing
matches" (an agent restricted to no collection must not see all of them).

The whole search is one call of the SQL function `knowledge_search` (migration 0007, which spells
out each step): once the indexes are cached a search's server work is a few milliseconds, and the
client's work per round trip cost as much again, four times over. Two legs, each contributing at
most `candidates` chunks (by default twice the hits shown; vector mode shows its leg's best
`limit` as they are):

- vector: cosine distance to the query vector (`embedding <=> :qv`). HNSW applies a WHERE clause
  after the index scan, so a tenant filter can leave fewer rows than asked for. Two defences: a
  scope of at most `exact_scan_max_rows` chunks (the common case: one tenant's chunks) is searched
  exactly; a larger one uses the index with pgvector's iterative scans, which keep walking the
  graph until the LIMIT is met, and a candidate list sized to the filter's selectivity (the list
  an unfiltered search would use x table rows / rows in scope: a tenant holding a fifth of the
  table needs its nearest 10 from about the table's nearest 50-200). Measured at 100k chunks
  among 500k (bench/knowledge.py): recall@10 0.96 with a 100-long list, 0.98 with 200, 0.99 with
  300; a deeper list costs ~1 ms per 100 here.
- text: the query in the text-search configuration of each document's language (migration 0020,
  `knowledge.index.language`: stemmed, stop words dropped; `simple` where PostgreSQL has none),
  each chunk matched with the query of its own configuration against its `search_vector`
  (title weighted A, headings B, text D). A question is not a conjunction: its meaningful terms
  are OR-ed, and `ts_rank` (`TEXT_WEIGHTS`, normalised by the chunk's length) ranks a chunk
  higher the more of them it has (each term counts about once, however often it is repeated,
  where `ts_rank_cd` would add up every occurrence of a common term). The web search syntax
  still works: a "quoted phrase" must appear, `-word` must not (a dash before a single letter,
  `-i`, is a command-line option: a term). A query without a positive term (punctuation or
  stop words only, `-word` only) has no text leg.

Hybrid mode fuses the two rankings with RRF: score = sum over the legs of 1 / (60 + rank), ties
to the better best rank, then the vector leg, then the id (SQL function `knowledge_rrf`). The
single-leg modes score with 1 - cosine distance (vector) or `ts_rank` (text).

Highlights are HTML: the chunk text escaped, with `<mark>`/`</mark>` around matched words and
nothing else unescaped. A chunk that matches the text query gets a `ts_headline` (two fragments
of up to 30 words); any other hit gets its first ~200 characters.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from sqlalchemy import ARRAY, REAL, Integer, String, Text, Uuid, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.knowledge.index.models import EMBEDDING_DIMENSIONS
from agentplatform.knowledge.search.highlights import HEADLINE_OPTIONS, snippet, tidy_headline

SearchMode = Literal["hybrid", "vector", "text"]
SEARCH_MODES: tuple[str, ...] = get_args(SearchMode)

RRF_K = 60
#: ts_rank's weights of the labels D, C, B, A: text, (unused), headings, title. A word of the
#: title or a heading counts a little more than one of the text, not much more: every chunk of a
#: document carries its title, and a title's common word ("package", "chapter") would lift all of
#: them above the passage that answers. On the retrieval eval's text leg (bench/results/
#: retrieval-languages.md) weights of 0.4 and 1.0 for B and A lost 9-15 points of recall@5.
TEXT_WEIGHTS = (0.1, 0.1, 0.12, 0.15)
#: ts_rank's normalisation: 1 divides by 1 + log(the chunk's number of words).
TEXT_NORMALIZATION = 1
MAX_LIMIT = 100
MAX_CANDIDATES = 1_000

#: At most this many chunks in scope are searched exactly instead of through the HNSW index.
#: Exact means reading every row in scope (each carries a 1.5 kB vector): about 45 ms for 20,000
#: rows on the embedded test server, of which the distance arithmetic is under 10 ms, against
#: 15-25 ms for the iterative index scan. Below this size an exact answer is worth its cost.
EXACT_SCAN_MAX_ROWS = 20_000
_INT4_MAX = 2**31 - 1


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
class TextQuery:
    """A query as the text leg reads it: terms (OR-ed), phrases (each required), words excluded.
    Only parts with a letter or digit are kept: PostgreSQL would answer the others with a NOTICE
    (Python decides, as PostgreSQL's character classes follow the database's locale and may not
    know letters outside ASCII)."""

    terms: str | None
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


# websearch_to_tsquery's syntax: "a phrase" (an unclosed quote runs to the end), -word at the
# start of a word, and `or` between words (all terms are OR-ed here anyway).
_PHRASE = re.compile(r'"([^"]*)"?')
_EXCLUDED = re.compile(r"(?<!\S)-(\w\S+)")
_OR = re.compile(r"(?<!\S)or(?!\S)", re.IGNORECASE)


def _wordy(value: str) -> bool:
    return any(char.isalnum() for char in value)


def text_query(query: str) -> TextQuery:
    """Splits a query into the parts the text leg's SQL (`knowledge_text_query`) combines."""
    phrases = tuple(p.strip() for p in _PHRASE.findall(query) if _wordy(p))
    rest = _PHRASE.sub(" ", query)
    excluded = tuple(word for word in _EXCLUDED.findall(rest) if _wordy(word))
    rest = _OR.sub(" ", _EXCLUDED.sub(" ", rest))
    terms = " ".join(rest.split())
    return TextQuery(terms if _wordy(terms) else None, phrases, excluded)


def _checked_vector(query_vector: Sequence[float]) -> list[float]:
    vector = [float(value) for value in query_vector]
    if len(vector) != EMBEDDING_DIMENSIONS:
        raise ValueError(
            f"query_vector must have {EMBEDDING_DIMENSIONS} dimensions, got {len(vector)}"
        )
    if not all(math.isfinite(value) for value in vector) or not any(vector):
        raise ValueError("query_vector must be finite and not all zeros")
    return vector


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
    candidates: int | None = None,
    exact_scan_max_rows: int = EXACT_SCAN_MAX_ROWS,
) -> list[SearchHit]:
    """The best `limit` chunks for the query, best first.

    `query_vector` is ignored in text mode (pass `[]`). `candidates` is how many rows each leg
    contributes before fusion: by default twice `limit` (each one more makes the vector leg walk
    further through the index), raised to `limit` if smaller. `exact_scan_max_rows` is the size
    of the scope up to which the vector leg scans exactly; 0 always uses the HNSW index.
    Runs inside the session's transaction and changes nothing (the index settings it needs are
    transaction-local and put back).
    """
    if mode not in SEARCH_MODES:
        raise ValueError(f"mode must be one of {', '.join(SEARCH_MODES)}, got {mode!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    if candidates is None:
        candidates = 2 * limit
    if not 1 <= candidates <= MAX_CANDIDATES:
        raise ValueError(f"candidates must be between 1 and {MAX_CANDIDATES}, got {candidates}")
    if exact_scan_max_rows < 0:
        raise ValueError("exact_scan_max_rows must not be negative")
    vector = None if mode == "text" else _checked_vector(query_vector)
    if any(values is not None and not values for values in (document_ids, collection_ids, tags)):
        return []

    parts = text_query(query)
    connection = await session.connection()
    rows = await connection.execute(
        _SEARCH,
        {
            "tenant_id": tenant_id,
            "document_ids": None if document_ids is None else list(document_ids),
            "collection_ids": None if collection_ids is None else list(collection_ids),
            "tags": None if tags is None else list(tags),
            "terms": parts.terms,
            "phrases": list(parts.phrases),
            "excluded": list(parts.excluded),
            "query_vector": vector,
            "mode": mode,
            "limit": limit,
            "candidates": max(candidates, limit),
            "exact_scan_max_rows": min(exact_scan_max_rows, _INT4_MAX - 1),
            "rrf_k": RRF_K,
            "text_weights": list(TEXT_WEIGHTS),
            "text_normalization": TEXT_NORMALIZATION,
            "headline_options": HEADLINE_OPTIONS,
        },
    )
    return [
        SearchHit(
            chunk_id=row.chunk_id,
            document_id=row.document_id,
            document_title=row.document_title,
            text=row.chunk_text,
            heading_path=list(row.heading_path or []),
            page_start=row.page_start,
            page_end=row.page_end,
            score=float(row.score),
            vector_rank=row.vector_rank,
            text_rank=row.text_rank,
            highlight=(
                tidy_headline(row.headline) if row.headline is not None else snippet(row.chunk_text)
            ),
        )
        for row in rows
    ]


_SEARCH = text(
    "SELECT chunk_id, document_id, document_title, chunk_text, heading_path, page_start, "
    "page_end, score, vector_rank, text_rank, headline FROM knowledge_search("
    ":tenant_id, :document_ids, :collection_ids, :tags, :terms, :phrases, :excluded, "
    "CAST(:query_vector AS vector), :mode, :limit, :candidates, :exact_scan_max_rows, :rrf_k, "
    ":text_weights, :text_normalization, :headline_options)"
).bindparams(
    bindparam("tenant_id", type_=Uuid),
    bindparam("document_ids", type_=ARRAY(Uuid)),
    bindparam("collection_ids", type_=ARRAY(Uuid)),
    bindparam("tags", type_=ARRAY(String)),
    bindparam("terms", type_=Text),
    bindparam("phrases", type_=ARRAY(Text)),
    bindparam("excluded", type_=ARRAY(Text)),
    # Sent as a binary real[]: formatting 384 floats as vector text costs the client ~0.4 ms.
    bindparam("query_vector", type_=ARRAY(REAL)),
    bindparam("mode", type_=Text),
    bindparam("limit", type_=Integer),
    bindparam("candidates", type_=Integer),
    bindparam("exact_scan_max_rows", type_=Integer),
    bindparam("rrf_k", type_=Integer),
    bindparam("text_weights", type_=ARRAY(REAL)),
    bindparam("text_normalization", type_=Integer),
    bindparam("headline_options", type_=Text),
)
