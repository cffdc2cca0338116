"""Knowledge search against the real database: vector, full-text and hybrid legs, the tenant and
status scope, filters, highlights, and the recall of the filtered HNSW path."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from agentplatform.ai.local_embedder import LocalEmbedder, aget_local_embedder
from agentplatform.knowledge.documents.models import (
    Collection,
    Document,
    DocumentStatus,
    SourceKind,
)
from agentplatform.knowledge.index.models import Chunk
from agentplatform.knowledge.search.query import SearchHit, search
from agentplatform.tenancy.models import Tenant
from sqlalchemy import ARRAY, Uuid, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

RETURNS = (
    "Customers may send back any purchase within thirty days of delivery and get their money "
    "returned in full."
)
BRACKET = "The XK-4471 bracket is rated for shelves holding up to 40 kg of weight."
SHELVING = "Wall brackets for heavy shelving: choose steel mounting brackets rated for high loads."
INVOICE = (
    "Invoice 1182: one XK-4471 unit was shipped to Porto by courier on Monday, together with "
    "a spare bracket."
)
WAREHOUSE = "Our warehouse in Lisbon ships orders from Monday to Friday, before noon."
MARKUP = 'Plug the <b>adapter</b> into port 3 & press "reset"; 3 < 5 is always true.'
HIDDEN = "The Zanzibar ferry timetable changes every season."


@pytest.fixture(scope="module")
async def embedder() -> LocalEmbedder:
    return await aget_local_embedder()


async def add_tenant(db: AsyncSession) -> uuid.UUID:
    tenant = Tenant(name="Search test", slug=f"search-{secrets.token_hex(6)}")
    db.add(tenant)
    await db.flush()
    return tenant.id


async def add_collection(db: AsyncSession, tenant_id: uuid.UUID, name: str) -> uuid.UUID:
    collection = Collection(tenant_id=tenant_id, name=name)
    db.add(collection)
    await db.flush()
    return collection.id


async def add_document(
    db: AsyncSession,
    embedder: LocalEmbedder,
    tenant_id: uuid.UUID,
    title: str,
    texts: Sequence[str],
    *,
    status: DocumentStatus = DocumentStatus.ready,
    collection_id: uuid.UUID | None = None,
    tags: Sequence[str] = (),
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A document with one chunk per text, embedded by the local model."""
    body = "\n\n".join(texts).encode()
    document = Document(
        tenant_id=tenant_id,
        collection_id=collection_id,
        title=title,
        source_kind=SourceKind.text,
        content_type="text",
        size_bytes=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        storage_key=f"test/{secrets.token_hex(8)}",
        tags=list(tags),
        status=status,
        chunk_count=len(texts),
    )
    db.add(document)
    await db.flush()
    vectors = await embedder.aembed(texts)
    chunks = [
        Chunk(
            tenant_id=tenant_id,
            document_id=document.id,
            index=index,
            text=chunk_text,
            heading_path=[title],
            page_start=1,
            page_end=1,
            token_count=len(chunk_text.split()),
            embedding=vector.tolist(),
        )
        for index, (chunk_text, vector) in enumerate(zip(texts, vectors, strict=True))
    ]
    db.add_all(chunks)
    await db.flush()
    return document.id, [chunk.id for chunk in chunks]


@dataclass(frozen=True)
class Library:
    tenant_id: uuid.UUID
    policies: uuid.UUID  # document ids
    catalog: uuid.UUID
    guide: uuid.UUID
    draft: uuid.UUID
    hardware: uuid.UUID  # collection of catalog and guide
    chunks: dict[str, uuid.UUID]  # text constant name -> chunk id

    def chunk(self, name: str) -> uuid.UUID:
        return self.chunks[name]


async def add_library(db: AsyncSession, embedder: LocalEmbedder) -> Library:
    tenant_id = await add_tenant(db)
    hardware = await add_collection(db, tenant_id, "Hardware")
    policies, (returns_id, warehouse_id) = await add_document(
        db, embedder, tenant_id, "Policies", [RETURNS, WAREHOUSE], tags=["policy"]
    )
    catalog, (bracket_id, invoice_id) = await add_document(
        db,
        embedder,
        tenant_id,
        "Catalog",
        [BRACKET, INVOICE],
        collection_id=hardware,
        tags=["hardware", "sales"],
    )
    guide, (shelving_id, markup_id) = await add_document(
        db, embedder, tenant_id, "Guide", [SHELVING, MARKUP], collection_id=hardware
    )
    draft, (hidden_id,) = await add_document(
        db, embedder, tenant_id, "Draft", [HIDDEN], status=DocumentStatus.embedding
    )
    return Library(
        tenant_id=tenant_id,
        policies=policies,
        catalog=catalog,
        guide=guide,
        draft=draft,
        hardware=hardware,
        chunks={
            "RETURNS": returns_id,
            "WAREHOUSE": warehouse_id,
            "BRACKET": bracket_id,
            "INVOICE": invoice_id,
            "SHELVING": shelving_id,
            "MARKUP": markup_id,
            "HIDDEN": hidden_id,
        },
    )


@pytest.fixture
async def library(db: AsyncSession, embedder: LocalEmbedder) -> Library:
    return await add_library(db, embedder)


async def query_vector(embedder: LocalEmbedder, query: str) -> list[float]:
    vectors = await embedder.aembed([query])
    return [float(value) for value in vectors[0]]


async def run(
    db: AsyncSession, embedder: LocalEmbedder, tenant_id: uuid.UUID, query: str, **options: object
) -> list[SearchHit]:
    return await search(db, tenant_id, query, await query_vector(embedder, query), **options)  # type: ignore[arg-type]


def ids(hits: Sequence[SearchHit]) -> list[uuid.UUID]:
    return [hit.chunk_id for hit in hits]


# --- the legs ---------------------------------------------------------------------------------


async def test_a_paraphrase_is_found_by_meaning(
    db: AsyncSession, embedder: LocalEmbedder, library: Library
) -> None:
    question = "Can I get a refund if I return an item?"

    hits = await run(db, embedder, library.tenant_id, question, mode="vector")
    text_hits = await run(db, embedder, library.tenant_id, question, mode="text")

    assert hits[0].chunk_id == library.chunk("RETURNS")
    assert hits[0].vector_rank == 1
    assert hits[0].text_rank is None
    assert hits[0].document_id == library.policies
    assert hits[0].document_title == "Policies"
    assert hits[0].heading_path == ["Policies"]
    assert (hits[0].page_start, hits[0].page_end) == (1, 1)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert 0 < hits[0].score <= 1  # 1 - cosine distance
    # The text leg ORs the words; these documents have no detected language ('simple': no
    # stemming, no stop words), so only "get" (RETURNS) and "a" (INVOICE) are shared: "return"
    # is not "returned". By meaning, RETURNS is the answer.
    assert set(ids(text_hits)) == {library.chunk("RETURNS"), library.chunk("INVOICE")}


async def test_a_rare_code_is_found_by_the_text_leg(
    db: AsyncSession, embedder: LocalEmbedder, library: Library
) -> None:
    hits = await run(db, embedder, library.tenant_id, "XK-4471", mode="text")

    assert set(ids(hits)) == {library.chunk("BRACKET"), library.chunk("INVOICE")}
    assert all(hit.vector_rank is None for hit in hits)
    assert [hit.text_rank for hit in hits] == [1, 2]
    assert all(hit.score > 0 for hit in hits)  # ts_rank_cd
    assert all("<mark>XK-4471</mark>" in hit.highlight for hit in hits)


async def test_hybrid_ranks_a_passage_that_matches_both_legs_first(
    db: AsyncSession, embedder: LocalEmbedder, library: Library
) -> None:
    # Only SHELVING has the word "brackets"; by meaning, BRACKET is about as close.
    hits = await run(db, embedder, library.tenant_id, "brackets")

    first, *rest = hits
    assert first.chunk_id == library.chunk("SHELVING")
    assert first.text_rank == 1
    assert first.vector_rank is not None
    assert first.score == pytest.approx(1 / (60 + first.vector_rank) + 1 / 61)
    assert rest
    assert all(hit.text_rank is None and hit.score < first.score for hit in rest)
    assert library.chunk("BRACKET") in ids(rest)  # found by the vector leg alone
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)

    # The SKU and the meaning agree on one passage: it comes first in every mode.
    for mode in ("hybrid", "vector", "text"):
        top = await run(db, embedder, library.tenant_id, "XK-4471 bracket weight", mode=mode)
        assert top[0].chunk_id == library.chunk("BRACKET"), mode


async def test_limit_and_candidates(
    db: AsyncSession, embedder: LocalEmbedder, library: Library
) -> None:
    two = await run(db, embedder, library.tenant_id, "shelf brackets", limit=2)
    one_candidate = await run(
        db, embedder, library.tenant_id, "shelf brackets", mode="vector", candidates=1, limit=3
    )

    assert len(two) == 2
    assert len(one_candidate) == 3  # candidates is raised to the limit


@dataclass(frozen=True)
class Fused:
    chunk_id: uuid.UUID
    score: float
    vector_rank: int | None
    text_rank: int | None


async def fuse(
    db: AsyncSession, vector_ids: Sequence[uuid.UUID], text_ids: Sequence[uuid.UUID]
) -> list[Fused]:
    rows = await db.execute(
        text("SELECT * FROM knowledge_rrf(:vector_ids, :text_ids, 60)").bindparams(
            bindparam("vector_ids", type_=ARRAY(Uuid)), bindparam("text_ids", type_=ARRAY(Uuid))
        ),
        {"vector_ids": list(vector_ids), "text_ids": list(text_ids)},
    )
    return [Fused(*row) for row in rows]


async def test_reciprocal_rank_fusion(db: AsyncSession) -> None:
    a, b, c, d = (uuid.UUID(int=n) for n in range(1, 5))

    fused = await fuse(db, [a, b, c], [c, d])

    assert [item.chunk_id for item in fused] == [c, a, b, d]  # b, d tie: b is from the vectors
    scores = {item.chunk_id: item.score for item in fused}
    assert scores[c] == pytest.approx(1 / 63 + 1 / 61)
    assert scores[a] == pytest.approx(1 / 61)
    assert scores[d] == pytest.approx(1 / 62)
    assert (fused[0].vector_rank, fused[0].text_rank) == (3, 1)
    # Equal scores: the better best rank, then the vector leg, then the id.
    assert [item.chunk_id for item in await fuse(db, [a, b], [b, a])] == [a, b]
    assert [item.chunk_id for item in await fuse(db, [b], [a])] == [b, a]
    assert [item.chunk_id for item in await fuse(db, [d], [c])] == [d, c]
    assert await fuse(db, [], []) == []


# --- scope ------------------------------------------------------------------------------------


async def test_another_tenants_chunks_never_appear(
    db: AsyncSession, embedder: LocalEmbedder, library: Library
) -> None:
    other = await add_library(db, embedder)  # the same texts in another tenant
    mine = set(library.chunks.values())
    theirs = set(other.chunks.values())

    for query in ("XK-4471 bracket", "money returned", "warehouse Monday"):
        for mode in ("hybrid", "vector", "text"):
            for tenant, own in ((library.tenant_id, mine), (other.tenant_id, theirs)):
                hits = await run(db, embedder, tenant, query, mode=mode)
                assert hits, (query, mode)
                assert set(ids(hits)) <= own, (query, mode)
        for exact_scan_max_rows in (0, 20_000):
            hits = await run(
                db, embedder, library.tenant_id, query, exact_scan_max_rows=exact_scan_max_rows
            )
            assert set(ids(hits)) <= mine

    # A tenant with no documents finds nothing, and another tenant's document id filters to none.
    empty = await add_tenant(db)
    assert await run(db, embedder, empty, "XK-4471") == []
    assert await run(db, embedder, library.tenant_id, "XK-4471", document_ids=[other.catalog]) == []


async def test_a_document_being_indexed_again_keeps_serving_its_chunks(
    db: AsyncSession, embedder: LocalEmbedder, library: Library
) -> None:
    # "Draft" is in the embedding step: the chunks it has are the ones its last indexing made,
    # and they serve until the new ones replace them in one transaction.
    for mode in ("hybrid", "vector", "text"):
        hits = await run(db, embedder, library.tenant_id, "Zanzibar ferry timetable", mode=mode)
        assert hits[0].chunk_id == library.chunk("HIDDEN")
    hits = await run(db, embedder, library.tenant_id, "Zanzibar ferry timetable")
    assert (hits[0].vector_rank, hits[0].text_rank) == (1, 1)


async def test_filters_by_document_collection_and_tag(
    db: AsyncSession, embedder: LocalEmbedder, library: Library
) -> None:
    tenant = library.tenant_id
    query = "shelf bracket weight"

    by_document = await run(db, embedder, tenant, query, document_ids=[library.policies])
    by_collection = await run(db, embedder, tenant, query, collection_ids=[library.hardware])
    by_tag = await run(db, embedder, tenant, query, tags=["sales", "unknown"])
    combined = await run(
        db, embedder, tenant, query, collection_ids=[library.hardware], tags=["policy"]
    )

    assert set(ids(by_document)) == {library.chunk("RETURNS"), library.chunk("WAREHOUSE")}
    assert set(ids(by_collection)) == {
        library.chunk(name) for name in ("BRACKET", "INVOICE", "SHELVING", "MARKUP")
    }
    assert set(ids(by_tag)) == {library.chunk("BRACKET"), library.chunk("INVOICE")}
    assert combined == []
    assert await run(db, embedder, tenant, query, tags=["unknown"]) == []
    # An empty filter matches nothing (None is "no filter").
    assert await run(db, embedder, tenant, query, document_ids=[]) == []
    assert await run(db, embedder, tenant, query, collection_ids=[]) == []
    assert await run(db, embedder, tenant, query, tags=[]) == []


# --- highlights and odd queries ---------------------------------------------------------------


def markup_free(highlight: str) -> str:
    """The highlight without its <mark> tags: must contain no other markup."""
    return re.sub(r"</?mark>", "", highlight)


async def test_highlights_mark_the_match_and_escape_the_text(
    db: AsyncSession, embedder: LocalEmbedder, library: Library
) -> None:
    hits = await run(db, embedder, library.tenant_id, "adapter reset", mode="text")

    assert ids(hits) == [library.chunk("MARKUP")]
    highlight = hits[0].highlight
    assert "<mark>adapter</mark>" in highlight
    assert "<mark>reset</mark>" in highlight
    assert "&lt;b&gt;" in highlight
    assert "&lt;/b&gt;" in highlight
    assert "&amp;" in highlight
    assert "&quot;" in highlight
    assert "3 &lt; 5" in highlight
    assert "<" not in markup_free(highlight)
    assert ">" not in markup_free(highlight)
    assert hits[0].text == MARKUP  # the text itself is returned as stored


async def test_a_hit_without_a_text_match_gets_a_leading_snippet(
    db: AsyncSession, embedder: LocalEmbedder, library: Library
) -> None:
    long_text = "Plug <adapter> & wait. " + "word " * 80
    document_id, (chunk_id,) = await add_document(
        db, embedder, library.tenant_id, "Long", [long_text]
    )

    hits = await run(
        db,
        embedder,
        library.tenant_id,
        "electrical socket",  # no word of the text (any one would match the OR-ed text query)
        mode="vector",
        document_ids=[document_id],
    )

    assert ids(hits) == [chunk_id]
    snippet = hits[0].highlight
    assert snippet.startswith("Plug &lt;adapter&gt; &amp; wait. word word")
    assert snippet.endswith("…")
    assert len(snippet) <= 220
    assert "<mark>" not in snippet


async def test_queries_without_usable_terms_do_not_fail(
    db: AsyncSession, embedder: LocalEmbedder, library: Library
) -> None:
    tenant = library.tenant_id
    for query in ("?!… -- ()", "", "   ", "-XK", "&<>\"'", "\\ : * | !"):
        assert await run(db, embedder, tenant, query, mode="text") == [], query
        hybrid = await run(db, embedder, tenant, query)
        assert hybrid, query  # the vector leg still answers
        assert all(hit.text_rank is None for hit in hybrid), query
        assert all("<mark>" not in hit.highlight for hit in hybrid)

    # 'simple' has no stop words: "the" is an ordinary term.
    the = await run(db, embedder, tenant, "the", mode="text")
    assert {library.chunk("BRACKET"), library.chunk("HIDDEN")} <= set(ids(the))
    # Operators and quotes in a web search query.
    quoted = await run(db, embedder, tenant, '"spare bracket" -Lisbon or Porto', mode="text")
    assert ids(quoted) == [library.chunk("INVOICE")]


async def test_bad_arguments_are_refused(db: AsyncSession, library: Library) -> None:
    tenant = library.tenant_id
    with pytest.raises(ValueError, match="384 dimensions"):
        await search(db, tenant, "x", [0.1, 0.2])
    with pytest.raises(ValueError, match="not all zeros"):
        await search(db, tenant, "x", [0.0] * 384)
    with pytest.raises(ValueError, match="mode"):
        await search(db, tenant, "x", [0.1] * 384, mode="fuzzy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="limit"):
        await search(db, tenant, "x", [0.1] * 384, limit=0)
    # Text mode needs no vector.
    assert ids(await search(db, tenant, "XK-4471", [], mode="text"))
