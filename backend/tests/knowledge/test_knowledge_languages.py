"""Languages in the text leg: each document's language detected, its chunks indexed in the
matching PostgreSQL configuration, questions parsed in that configuration with their meaningful
terms OR-ed; and contextual chunks (title and headings weighted, the title in the header)."""

# ruff: noqa: RUF001, RUF003 - the Russian texts and questions are in Cyrillic

from __future__ import annotations

import asyncio
import io
import re
import secrets
import uuid
from collections.abc import Sequence

import pytest
from agentplatform.ai.local_embedder import LocalEmbedder, aget_local_embedder
from agentplatform.core.db import async_database_url, create_sessionmaker
from agentplatform.core.embedded import drop_database, ensure_database
from agentplatform.core.migrations import alembic_config
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.parsing import Block, BlockKind
from agentplatform.knowledge.index.chunking import chunk
from agentplatform.knowledge.index.headers import (
    context_title,
    contextual_text,
    header_title,
    vector_title,
)
from agentplatform.knowledge.index.language import (
    detect_language,
    prose_sample,
    ts_config_name,
)
from agentplatform.knowledge.index.models import Chunk
from agentplatform.knowledge.search.query import SearchHit, TextQuery, search, text_query
from alembic import command
from httpx import AsyncClient
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from tests.conftest import Services, _with_database
from tests.factories import create_owner, login
from tests.knowledge.test_knowledge_search import add_document, add_tenant
from tests.worker_support import run_burst

SPANISH = (
    "Para subir el paquete al archivo de Debian se usan las herramientas dupload o dput, que "
    "comprueban las sumas de los ficheros enviados antes de transferirlos."
)
PORTUGUESE = (
    "Pode apagar os ficheiros descarregados usando apt-get clean, que liberta o espaço em disco "
    "ocupado pelos pacotes guardados na cache."
)
RUSSIAN = (
    "Чтобы вывести список файлов установленного пакета, используйте команду dpkg с ключом "
    "listfiles; она показывает все файлы пакета."
)
ENGLISH = (
    "Debian packages are installed with dpkg, which unpacks the archive and runs the "
    "maintainer scripts that configure the installed programs."
)


@pytest.fixture(scope="module")
async def embedder() -> LocalEmbedder:
    return await aget_local_embedder()


async def add_in(
    db: AsyncSession,
    embedder: LocalEmbedder,
    tenant_id: uuid.UUID,
    config: str,
    texts: Sequence[str],
    *,
    title: str = "Doc",
) -> list[uuid.UUID]:
    """A document whose chunks are indexed in `config` (as indexing does for its language)."""
    document_id, chunk_ids = await add_document(db, embedder, tenant_id, title, texts)
    await db.execute(
        text("UPDATE document SET ts_config = CAST(:c AS regconfig) WHERE id = :id"),
        {"c": config, "id": document_id},
    )
    await db.execute(
        text(
            "UPDATE chunk SET ts_config = CAST(:c AS regconfig), document_title = :t "
            "WHERE document_id = :id"
        ),
        {"c": config, "t": title, "id": document_id},
    )
    return chunk_ids


async def text_search(
    db: AsyncSession, tenant_id: uuid.UUID, query: str, **options: object
) -> list[SearchHit]:
    return await search(db, tenant_id, query, [], mode="text", **options)  # type: ignore[arg-type]


@pytest.fixture
async def tenant(
    db: AsyncSession, embedder: LocalEmbedder
) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    tenant_id = await add_tenant(db)
    chunks = {}
    for name, config, body in (
        ("es", "spanish", SPANISH),
        ("pt", "portuguese", PORTUGUESE),
        ("ru", "russian", RUSSIAN),
        ("en", "english", ENGLISH),
    ):
        (chunks[name],) = await add_in(db, embedder, tenant_id, config, [body])
    return tenant_id, chunks


# --- detection and configurations -------------------------------------------------------------


def test_a_documents_language_is_detected_from_its_prose() -> None:
    assert detect_language(SPANISH) == "es"
    assert detect_language(PORTUGUESE) == "pt"
    assert detect_language(RUSSIAN) == "ru"
    assert detect_language(ENGLISH) == "en"
    assert detect_language("12 345 -- 6.7 !!") is None  # nothing to tell from
    assert detect_language("") is None
    blocks = [
        Block(BlockKind.CODE, "def install(package): return subprocess.run(['dpkg', '-i'])"),
        Block(BlockKind.PARAGRAPH, RUSSIAN),
    ]
    assert prose_sample(blocks) == RUSSIAN  # code says nothing of the document's language


def test_a_language_maps_to_postgresqls_configuration_or_simple() -> None:
    assert [ts_config_name(code) for code in ("en", "es", "pt", "ru", "nb")] == [
        "english",
        "spanish",
        "portuguese",
        "russian",
        "norwegian",
    ]
    assert ts_config_name("gl") == "simple"  # Galician: PostgreSQL has no configuration
    assert ts_config_name(None) == "simple"


async def test_every_mapped_configuration_exists_in_the_database(db: AsyncSession) -> None:
    from agentplatform.knowledge.index.language import TS_CONFIGS

    names = set((await db.scalars(text("SELECT cfgname::text FROM pg_ts_config"))).all())
    assert set(TS_CONFIGS.values()) <= names


def test_a_query_is_split_into_terms_phrases_and_excluded_words() -> None:
    assert text_query('"spare bracket" -Lisbon or Porto') == TextQuery(
        "Porto", ("spare bracket",), ("Lisbon",)
    )
    # A dash before a single letter is a command-line option, not an exclusion.
    assert text_query("What does dpkg -i do?") == TextQuery("What does dpkg -i do?")
    assert text_query("?!… -- ()") == TextQuery(None)
    assert text_query('"') == TextQuery(None)


# --- questions in their language --------------------------------------------------------------


async def test_questions_find_documents_in_their_language_with_inflected_words(
    db: AsyncSession, tenant: tuple[uuid.UUID, dict[str, uuid.UUID]]
) -> None:
    tenant_id, chunks = tenant
    # Every question's words are inflected otherwise than the text's ("subo"/"subir",
    # "paquetes"/"paquete", "apago"/"apagar", "файлы"/"файлов", "установленных"/"...ого") and
    # most of its words are not in the text at all: only stemming and OR find them.
    for question, expected in (
        ("¿Cómo subo mis paquetes con dupload?", "es"),
        ("Como apago os pacotes descarregados?", "pt"),
        ("Как посмотреть файлы установленных пакетов?", "ru"),
        ("How do I install a package?", "en"),
    ):
        hits = await text_search(db, tenant_id, question)
        assert hits, question
        assert hits[0].chunk_id == chunks[expected], question
        assert hits[0].score > 0
        assert "<mark>" in hits[0].highlight


async def test_a_question_full_of_stop_words_still_matches(
    db: AsyncSession, tenant: tuple[uuid.UUID, dict[str, uuid.UUID]]
) -> None:
    tenant_id, chunks = tenant
    # AND-ed, "what", "are", "the", "which" and "of" would each have had to be in the passage.
    hits = await text_search(
        db, tenant_id, "What are the scripts which configure all of the programs?"
    )
    assert hits[0].chunk_id == chunks["en"]
    # The stop words are no terms at all: a passage made of them matches nothing.
    stop_words_only = await text_search(db, tenant_id, "What is it that the one of them is?")
    assert chunks["en"] not in [hit.chunk_id for hit in stop_words_only]


async def test_a_passage_with_more_of_the_terms_ranks_higher(
    db: AsyncSession, embedder: LocalEmbedder
) -> None:
    tenant_id = await add_tenant(db)
    one, two, three = await add_in(
        db,
        embedder,
        tenant_id,
        "english",
        [
            "The installer copies files.",
            "The installer copies files to the disk.",
            "The installer copies files to the disk and checks their signatures.",
        ],
    )
    hits = await text_search(
        db, tenant_id, "Does the installer check the signatures of files on disk?"
    )
    assert [hit.chunk_id for hit in hits] == [three, two, one]
    assert [hit.text_rank for hit in hits] == [1, 2, 3]


async def test_queries_of_stop_words_or_punctuation_do_not_fail(
    db: AsyncSession, embedder: LocalEmbedder, tenant: tuple[uuid.UUID, dict[str, uuid.UUID]]
) -> None:
    tenant_id, _ = tenant
    for query in ("the of and", "¿y el de?", "и в на", "?!… -- ()", '"the"', "-the", '""'):
        assert await text_search(db, tenant_id, query) == [], query
        vector = [float(x) for x in (await embedder.aembed([query or "x"]))[0]]
        hybrid = await search(db, tenant_id, query, vector)
        assert hybrid, query  # the vector leg still answers
        assert all(hit.text_rank is None for hit in hybrid), query


async def test_phrases_and_exclusions_in_a_language(
    db: AsyncSession, tenant: tuple[uuid.UUID, dict[str, uuid.UUID]]
) -> None:
    tenant_id, chunks = tenant
    found = await text_search(db, tenant_id, '"sumas de los ficheros" paquete')
    assert [hit.chunk_id for hit in found] == [chunks["es"]]
    assert await text_search(db, tenant_id, '"ficheros sumas"') == []  # a phrase keeps its order
    excluded = await text_search(db, tenant_id, "pacotes paquete -dupload")
    assert [hit.chunk_id for hit in excluded] == [chunks["pt"]]


# --- contextual chunks ------------------------------------------------------------------------


async def test_the_title_and_headings_are_weighted_above_the_text(
    db: AsyncSession, embedder: LocalEmbedder
) -> None:
    tenant_id = await add_tenant(db)
    (in_title,) = await add_in(
        db, embedder, tenant_id, "english", ["Use the wizard."], title="Printer setup guide"
    )
    (in_text,) = await add_in(
        db, embedder, tenant_id, "english", ["The printer setup wizard helps."], title="Notes"
    )
    await db.execute(
        update(Chunk).where(Chunk.id == in_text).values(heading_path=["Getting started"])
    )
    rows = await db.execute(
        text("SELECT id, search_vector::text FROM chunk WHERE id IN (:a, :b)"),
        {"a": in_title, "b": in_text},
    )
    vectors = {chunk_id: vector for chunk_id, vector in rows}
    assert re.search(r"'printer':1A\b", vectors[in_title])  # the title: A
    assert re.search(r"'start':\d+B\b", vectors[in_text])  # a heading: B
    assert re.search(r"'wizard':\d+(,|\s|$)", vectors[in_text])  # the text: D (not shown)

    hits = await text_search(db, tenant_id, "printer setup wizard")
    assert [hit.chunk_id for hit in hits] == [in_title, in_text]  # the title's words weigh more
    assert "<mark>wizard</mark>" in hits[0].highlight  # highlights stay on the chunk's own text


def test_the_header_names_the_document_and_the_section() -> None:
    assert contextual_text("Debian FAQ", ["Tools", "dpkg"], "Tools > dpkg\nRun it.") == (
        "Debian FAQ > Tools > dpkg\nRun it."
    )
    assert contextual_text("Debian FAQ", [], "Run it.") == "Debian FAQ\nRun it."
    assert contextual_text("", ["Tools"], "Tools\nRun it.") == "Tools\nRun it."
    assert contextual_text("Tools", ["Tools"], "Tools\nRun it.") == "Tools\nRun it."  # once
    # Off by default (it cost recall with the local model): the settings turn it on.
    assert vector_title(Settings(), "Debian FAQ") == ""
    assert vector_title(Settings(knowledge_title_in_vectors=True), "Debian FAQ") == "Debian FAQ"
    assert header_title(" ".join(f"w{i}" for i in range(30))) == " ".join(
        f"w{i}" for i in range(12)
    )
    # A stand-in title (the file name, the URL) gives way to the file's own title.
    assert context_title("faq.html", filename="faq.html", source_url=None, parsed_title="FAQ") == (
        "FAQ"
    )
    assert context_title("Mine", filename="faq.html", source_url=None, parsed_title="FAQ") == "Mine"
    assert (
        context_title("faq.html", filename="faq.html", source_url=None, parsed_title=None)
        == "faq.html"
    )


def test_chunks_keep_room_for_the_header(embedder: LocalEmbedder) -> None:
    words = " ".join(f"word{i % 50}." for i in range(2000))
    blocks = [Block(BlockKind.HEADING, "Setup", level=1), Block(BlockKind.PARAGRAPH, words)]
    title = header_title("The printer setup guide for the office network")
    chunks = chunk(blocks, embedder.count_tokens, header=title)
    plain = chunk(blocks, embedder.count_tokens)
    assert len(chunks) > len(plain)
    counts = embedder.count_tokens([contextual_text(title, c.heading_path, c.text) for c in chunks])
    assert max(counts) <= 255  # header and text together within what the model reads
    assert all(c.text.startswith("Setup\n") for c in chunks)  # the header is not in the text


# --- through the worker -----------------------------------------------------------------------

SPANISH_PAGE = f"""<!DOCTYPE html><html lang="es"><head><title>Guía de subida de paquetes</title>
</head><body><h1>Enviar el paquete</h1><p>{SPANISH}</p>
<h2>Colas de envío</h2><p>Si la subida a la cola de envíos falla, vuelve a intentarlo más tarde
con un fichero de órdenes firmado.</p><pre>dupload --to debian paquete.changes</pre></body></html>
"""


async def test_indexing_detects_the_language_and_the_chunks_carry_the_title(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    async with create_sessionmaker(engine)() as session:
        owner = await create_owner(session)
    await login(live_client, owner.user.email)
    base = f"/api/v1/tenants/{owner.tenant.id}/knowledge"
    uploaded = await live_client.post(
        f"{base}/documents",
        files={"file": ("subida.html", io.BytesIO(SPANISH_PAGE.encode()), "text/html")},
    )
    assert uploaded.status_code == 201, uploaded.text
    document_id = uploaded.json()["id"]
    await run_burst(live_settings)

    async with engine.connect() as conn:
        language, config = (
            await conn.execute(
                text("SELECT language, ts_config::text FROM document WHERE id = :id"),
                {"id": document_id},
            )
        ).one()
        chunks = (
            await conn.execute(
                text("SELECT ts_config::text, document_title FROM chunk WHERE document_id = :id"),
                {"id": document_id},
            )
        ).all()
    assert (language, config) == ("es", "spanish")
    assert chunks
    # The upload had no title (its file name stands in): the page's own names the chunks.
    assert set(chunks) == {("spanish", "Guía de subida de paquetes")}

    search = f"{base}/search"
    found = await live_client.post(
        search, json={"query": "¿Qué hago si fallan mis subidas?", "mode": "text"}
    )
    assert found.status_code == 200, found.text
    hits = found.json()["hits"]
    assert hits
    assert "Colas de envío" in hits[0]["text"]
    assert "<mark>" in hits[0]["highlight"]

    # A new title reaches the chunks (and so the text leg) at once.
    renamed = await live_client.patch(
        f"{base}/documents/{document_id}", json={"title": "Manual del mantenedor"}
    )
    assert renamed.status_code == 200, renamed.text
    by_title = await live_client.post(search, json={"query": "manuales", "mode": "text"})
    assert {hit["document_id"] for hit in by_title.json()["hits"]} == {document_id}


# --- the migration's backfill -----------------------------------------------------------------


async def test_the_migration_gives_existing_chunks_their_language_and_title(
    services: Services,
) -> None:
    scratch = f"agentplatform_languages_{secrets.token_hex(4)}"
    await ensure_database(services.admin_dsn, scratch)
    url = async_database_url(_with_database(services.admin_dsn, scratch, "postgresql"))
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        config = alembic_config(url)
        await asyncio.to_thread(command.upgrade, config, "0013")
        tenant, document = uuid.uuid4(), uuid.uuid4()
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO tenant (id, name, slug) VALUES (:id, 'Old', :slug)"),
                {"id": tenant, "slug": f"old-{tenant.hex[:8]}"},
            )
            await conn.execute(
                text(
                    "INSERT INTO document (id, tenant_id, title, source_kind, content_type, "
                    "size_bytes, sha256, storage_key, status, chunk_count) VALUES (:id, :t, "
                    "'Guía de subida', 'text', 'text', 1, 'x', 'k', 'ready', 1)"
                ),
                {"id": document, "t": tenant},
            )
            await conn.execute(
                text(
                    "INSERT INTO chunk (id, tenant_id, document_id, index, text, heading_path, "
                    "token_count) VALUES (:id, :t, :d, 0, :text, '{}', 10)"
                ),
                {"id": uuid.uuid4(), "t": tenant, "d": document, "text": SPANISH},
            )
        await asyncio.to_thread(command.upgrade, config, "head")
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT d.language, d.ts_config::text, c.ts_config::text, "
                        "c.document_title, c.search_vector @@ to_tsquery('spanish', 'subidas') "
                        "FROM document d JOIN chunk c ON c.document_id = d.id"
                    )
                )
            ).one()
        assert tuple(row) == ("es", "spanish", "spanish", "Guía de subida", True)
        await asyncio.to_thread(command.downgrade, config, "0013")  # and back, with data
    finally:
        await engine.dispose()
        await drop_database(services.admin_dsn, scratch)
