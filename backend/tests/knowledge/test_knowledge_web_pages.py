"""Web pages by URL: fetched by the real worker from a server on loopback; private addresses
refused by default; oversized pages fail with a reason."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from agentplatform.core.db import create_sessionmaker, utcnow
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.models import Document
from agentplatform.knowledge.documents.web_fetch import FetchError, fetch
from agentplatform.knowledge.index.tasks import recheck_knowledge
from arq import ArqRedis
from httpx import AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.knowledge.test_knowledge_documents import _owner
from tests.worker_support import run_burst

PAGE = (
    b"<html><head><title>Delivery</title><script>track()</script></head><body>"
    b"<nav>Home | Shop</nav><h1>Delivery times</h1>"
    b"<p>Orders to Lisbon arrive within two business days.</p></body></html>"
)


#: What `/news` serves now (a test changes it to see the scheduled re-check notice).
NEWS = {"page": b"<html><body><h1>News</h1><p>The spring catalogue is out.</p></body></html>"}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/news":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(NEWS["page"])
            return
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/delivery")
            self.end_headers()
            return
        if self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<p>" + b"x" * 300_000 + b"</p>")
            return
        if self.path != "/delivery":
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_a_page_is_fetched_and_indexed(
    live_client: AsyncClient, live_app: Any, engine: AsyncEngine, live_settings: Settings, site: str
) -> None:
    settings = live_settings.model_copy(update={"url_fetch_allow_private": True})
    live_app.state.settings = settings
    base = await _owner(live_client, engine)
    created = await live_client.post(f"{base}/url", json={"url": f"{site}/moved"})
    assert created.status_code == 201, created.text
    document = created.json()
    assert (document["source_kind"], document["status"]) == ("url", "queued")
    again = await live_client.post(f"{base}/url", json={"url": f"{site}/moved"})
    assert again.status_code == 409

    await run_burst(settings)

    ready = (await live_client.get(f"{base}/{document['id']}")).json()
    assert ready["status"] == "ready", ready
    assert ready["content_type"] == "html"
    assert ready["size_bytes"] == len(PAGE)
    search = base.replace("/documents", "/search")
    hits = (await live_client.post(search, json={"query": "Lisbon", "mode": "text"})).json()
    assert "two business days" in hits["hits"][0]["text"]
    assert "track()" not in hits["hits"][0]["text"]


async def test_private_addresses_are_refused_by_default(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings, site: str
) -> None:
    base = await _owner(live_client, engine)
    document = (await live_client.post(f"{base}/url", json={"url": f"{site}/delivery"})).json()
    await run_burst(live_settings)
    failed = (await live_client.get(f"{base}/{document['id']}")).json()
    assert failed["status"] == "failed"
    assert "private or local address" in failed["last_error"]
    bad = await live_client.post(f"{base}/url", json={"url": "ftp://example.com/file"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "body.url"


async def test_fetch_limits(site: str) -> None:
    with pytest.raises(FetchError, match="larger than"):
        await fetch(f"{site}/huge", max_bytes=100_000, timeout_seconds=5, allow_private=True)
    with pytest.raises(FetchError, match="answered 404") as info:
        await fetch(f"{site}/missing", max_bytes=100_000, timeout_seconds=5, allow_private=True)
    assert info.value.permanent
    with pytest.raises(FetchError, match="private or local"):
        await fetch(f"{site}/delivery", max_bytes=100_000, timeout_seconds=5)


async def _chunks(client: AsyncClient, base: str, document_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await client.get(f"{base}/{document_id}/chunks")).json()["items"]
    return items


async def test_the_scheduled_recheck_fetches_pages_again_and_reindexes_only_changes(
    live_client: AsyncClient,
    live_app: Any,
    engine: AsyncEngine,
    live_settings: Settings,
    site: str,
    redis: ArqRedis,
) -> None:
    settings = live_settings.model_copy(
        update={"url_fetch_allow_private": True, "knowledge_url_refresh_seconds": 3600}
    )
    live_app.state.settings = settings
    base = await _owner(live_client, engine)
    document = (await live_client.post(f"{base}/url", json={"url": f"{site}/news"})).json()
    await run_burst(settings)
    first = (await live_client.get(f"{base}/{document['id']}")).json()
    assert first["status"] == "ready"
    chunks = await _chunks(live_client, base, document["id"])

    async def recheck_due() -> str:
        async with create_sessionmaker(engine)() as session:
            await session.execute(
                update(Document).values(recheck_at=utcnow() - timedelta(seconds=1))
            )
            await session.commit()
        ctx = {"sessionmaker": create_sessionmaker(engine), "redis": redis, "settings": settings}
        outcome = await recheck_knowledge(ctx)
        await run_burst(settings)
        return outcome

    # Not due yet: nothing happens.
    ctx = {"sessionmaker": create_sessionmaker(engine), "redis": redis, "settings": settings}
    assert (await recheck_knowledge(ctx)).startswith("0 documents")

    # Due, same bytes: the chunks stay as they are, the dates move.
    assert (await recheck_due()).startswith("1 documents")
    again = (await live_client.get(f"{base}/{document['id']}")).json()
    assert again["status"] == "ready"
    assert again["indexed_at"] > first["indexed_at"]
    assert await _chunks(live_client, base, document["id"]) == chunks

    # Due, the page changed: indexed again from the new bytes.
    NEWS["page"] = b"<html><body><h1>News</h1><p>The summer catalogue is out.</p></body></html>"
    try:
        await recheck_due()
    finally:
        NEWS["page"] = b"<html><body><h1>News</h1><p>The spring catalogue is out.</p></body></html>"
    texts = [c["text"] for c in await _chunks(live_client, base, document["id"])]
    assert any("summer" in text for text in texts), texts
    async with create_sessionmaker(engine)() as session:
        row = await session.get(Document, uuid.UUID(document["id"]))
        assert row is not None
        assert row.recheck_at is not None
        assert row.recheck_at > utcnow() + timedelta(seconds=3000)


async def test_a_document_that_failed_for_a_passing_reason_is_tried_again_later(
    live_client: AsyncClient,
    live_app: Any,
    engine: AsyncEngine,
    live_settings: Settings,
    site: str,
    redis: ArqRedis,
) -> None:
    settings = live_settings.model_copy(
        update={"url_fetch_allow_private": True, "work_max_attempts": 1}
    )
    live_app.state.settings = settings
    base = await _owner(live_client, engine)
    # Nothing listens on port 9 (discard) on loopback: a connection error, which may pass.
    document = (
        await live_client.post(f"{base}/url", json={"url": "http://127.0.0.1:9/price-list"})
    ).json()
    await run_burst(settings)
    failed = (await live_client.get(f"{base}/{document['id']}")).json()
    assert failed["status"] == "failed", failed
    assert "gave up after 1 attempts" in failed["last_error"]
    async with create_sessionmaker(engine)() as session:
        row = await session.get(Document, uuid.UUID(document["id"]))
        assert row is not None
        assert row.recheck_at is not None

    # A file that cannot be parsed is not tried again: the same bytes fail the same way.
    upload = await live_client.post(
        base, files={"file": ("broken.pdf", b"%PDF-1.7 broken", "application/pdf")}
    )
    await run_burst(settings)
    async with create_sessionmaker(engine)() as session:
        broken = await session.get(Document, uuid.UUID(upload.json()["id"]))
        assert broken is not None
        assert broken.status == "failed"
        assert broken.recheck_at is None
        await session.execute(
            update(Document)
            .where(Document.id == uuid.UUID(document["id"]))
            .values(recheck_at=utcnow())
        )
        await session.commit()
    ctx = {"sessionmaker": create_sessionmaker(engine), "redis": redis, "settings": settings}
    assert (await recheck_knowledge(ctx)).startswith("1 documents")
    queued = (await live_client.get(f"{base}/{document['id']}")).json()
    assert (queued["status"], queued["attempts"]) == ("queued", 0)
