"""Upload → the real worker indexes → ready with chunks; failures end as `failed` with a reason."""

from __future__ import annotations

import io
from typing import Any

from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.knowledge.models import Chunk
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
