"""Upload → the real worker indexes → ready with chunks; failures end as `failed` with a reason."""

from __future__ import annotations

import io
from typing import Any

from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.knowledge.index.models import Chunk
from arq import ArqRedis
from fpdf import FPDF
from httpx import AsyncClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import create_owner, login
from tests.worker_support import run_burst


def make_pdf(pages: int) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.multi_cell(
            0,
            6,
            f"Section {page}. The premium plan costs {40 + page} EUR per month. "
            "Support answers within one business day. " * 3,
        )
    return bytes(pdf.output())


async def _owner(client: AsyncClient, engine: AsyncEngine) -> str:
    async with create_sessionmaker(engine)() as session:
        owner = await create_owner(session)
    await login(client, owner.user.email)
    return f"/api/v1/tenants/{owner.tenant.id}/knowledge/documents"


async def _upload(client: AsyncClient, base: str, name: str, data: bytes, **form: Any) -> Any:
    return await client.post(
        base, files={"file": (name, io.BytesIO(data), "application/octet-stream")}, data=form
    )


async def test_upload_is_indexed_by_the_worker(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings, redis: ArqRedis
) -> None:
    base = await _owner(live_client, engine)
    pdf = make_pdf(3)
    response = await _upload(live_client, base, "prices.txt", pdf, tags=["pricing"])
    assert response.status_code == 201, response.text
    document = response.json()
    assert (document["status"], document["content_type"]) == ("queued", "pdf")  # from the bytes
    assert document["tags"] == ["pricing"]

    await run_burst(live_settings)

    ready = (await live_client.get(f"{base}/{document['id']}")).json()
    assert ready["status"] == "ready", ready
    assert ready["progress"] == 1.0
    assert ready["page_count"] == 3
    assert ready["chunk_count"] > 0
    assert ready["embedding_model"] == "local/all-MiniLM-L6-v2"
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text("SELECT count(*), count(embedding) FROM chunk WHERE document_id = :id"),
                {"id": document["id"]},
            )
        ).one()
    assert rows[0] == rows[1] == ready["chunk_count"]

    duplicate = await _upload(live_client, base, "again.pdf", pdf)
    assert duplicate.status_code == 409
    assert document["id"] in duplicate.json()["detail"]

    # Reindexing replaces the chunks; running it never duplicates them.
    assert (await live_client.post(f"{base}/{document['id']}/reindex")).status_code == 200
    await run_burst(live_settings)
    async with create_sessionmaker(engine)() as session:
        count = await session.scalar(
            select(func.count()).select_from(Chunk).where(Chunk.document_id == document["id"])
        )
    assert count == ready["chunk_count"]


async def test_bad_files_fail_with_a_reason_and_the_worker_goes_on(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base = await _owner(live_client, engine)
    corrupt = make_pdf(2)[:600]
    first = (await _upload(live_client, base, "broken.pdf", corrupt)).json()
    good = (
        await live_client.post(
            f"{base}/text",
            json={"title": "FAQ", "text": "# Returns\nReturns are free for 30 days."},
        )
    ).json()
    await run_burst(live_settings)
    failed = (await live_client.get(f"{base}/{first['id']}")).json()
    assert failed["status"] == "failed"
    assert failed["last_error"]
    assert "Traceback" not in failed["last_error"]
    assert (await live_client.get(f"{base}/{good['id']}")).json()["status"] == "ready"


async def test_upload_validation(live_client: AsyncClient, engine: AsyncEngine) -> None:
    base = await _owner(live_client, engine)
    image = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    refused = await _upload(live_client, base, "logo.png", image)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.file"
    empty = await _upload(live_client, base, "empty.txt", b"")
    assert empty.status_code == 422
    listed = (await live_client.get(base)).json()
    assert listed["total"] == 0


async def test_one_tenants_backlog_does_not_starve_another(
    client_factory: Any, live_app: Any, engine: AsyncEngine, live_settings: Settings
) -> None:
    from httpx import ASGITransport

    def client() -> AsyncClient:
        return AsyncClient(transport=ASGITransport(app=live_app), base_url="http://testserver")

    async with client() as busy, client() as small:
        busy_base = await _owner(busy, engine)
        small_base = await _owner(small, engine)
        for i in range(6):
            doc = {"title": f"Busy {i}", "text": f"Busy tenant document number {i}."}
            assert (await busy.post(f"{busy_base}/text", json=doc)).status_code == 201
        single = {"title": "Single", "text": "The only document of the small tenant."}
        mine = (await small.post(f"{small_base}/text", json=single)).json()

        await run_burst(live_settings, max_jobs=1)

        busy_docs = (await busy.get(busy_base)).json()["items"]
        done = (await small.get(f"{small_base}/{mine['id']}")).json()
    order = sorted([d["indexed_at"] for d in busy_docs] + [done["indexed_at"]])
    assert all(d["status"] == "ready" for d in busy_docs)
    # Uploaded last, indexed second: right after the busy tenant's first document.
    assert order.index(done["indexed_at"]) <= 1


async def test_a_killed_worker_leaves_no_stuck_document_and_no_duplicates(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    redis: ArqRedis,
    tmp_path: Any,
) -> None:
    import asyncio
    import os
    import signal
    import sys

    from agentplatform.core.db import create_sessionmaker as make

    from worker.main import sweep_stale_work

    base = await _owner(live_client, engine)
    paragraphs = "\n\n".join(
        f"Paragraph {i}: our warehouse in city {i} ships orders within {i % 5 + 1} days, "
        "and returns are accepted for thirty days after delivery." * 2
        for i in range(400)
    )
    document = (
        await live_client.post(f"{base}/text", json={"title": "Big", "text": paragraphs})
    ).json()

    settings = live_settings.model_copy(update={"work_stale_seconds": 5})
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "REDIS_URL": settings.redis_url or "",
        "STORAGE_DIR": str(settings.storage_path),
        "WORKER_METRICS_PORT": "0",
        "LOG_LEVEL": "WARNING",
    }
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "agentplatform.cli", "worker", env=env
    )
    url = f"{base}/{document['id']}"
    try:
        for _ in range(600):
            state = (await live_client.get(url)).json()
            if state["status"] == "embedding" and state["progress"] > 0:
                break
            await asyncio.sleep(0.05)
        assert state["status"] == "embedding", state
        worker.send_signal(signal.SIGKILL)  # no chance to clean up
    finally:
        if worker.returncode is None:
            worker.kill()
        await asyncio.wait_for(worker.wait(), 10)
    assert (await live_client.get(url)).json()["status"] == "embedding"

    # arq would run the killed job again once its in-progress lock expires (the job timeout);
    # expire it now, then let the sweeper find the document whose heartbeat stopped.
    for key in await redis.keys("arq:in-progress:*"):
        await redis.delete(key)
    await asyncio.sleep(settings.work_stale_seconds + 0.5)
    ctx = {"settings": settings, "sessionmaker": make(engine), "redis": redis}
    assert await sweep_stale_work(ctx) == 1
    await run_burst(settings)

    ready = (await live_client.get(url)).json()
    assert (ready["status"], ready["attempts"]) == ("ready", 2), ready  # the death counted
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text("SELECT count(*), count(DISTINCT index) FROM chunk WHERE document_id = :id"),
                {"id": document["id"]},
            )
        ).one()
    assert rows[0] == rows[1] == ready["chunk_count"] > 0


async def test_a_hundred_page_pdf_becomes_searchable_with_page_numbers(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base = await _owner(live_client, engine)
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in range(1, 101):
        pdf.add_page()
        pdf.multi_cell(
            0,
            6,
            f"Chapter {page}. Spare part code SP-{page:04d} fits model line {page % 7}. "
            "Replace it every twelve months and keep the receipt for the warranty.",
        )
    created = await _upload(live_client, base, "catalogue.pdf", bytes(pdf.output()))
    assert created.status_code == 201, created.text
    document = created.json()

    await run_burst(live_settings)

    ready = (await live_client.get(f"{base}/{document['id']}")).json()
    assert (ready["status"], ready["page_count"], ready["progress"]) == ("ready", 100, 1.0)
    search = base.replace("/documents", "/search")
    exact = (await live_client.post(search, json={"query": "SP-0073", "mode": "text"})).json()
    hit = exact["hits"][0]
    assert "SP-0073" in hit["text"]
    assert hit["page_start"] <= 73 <= hit["page_end"]
    meaning = (
        await live_client.post(search, json={"query": "How often should the part be replaced?"})
    ).json()
    assert meaning["hits"]
    assert "twelve months" in meaning["hits"][0]["text"]
