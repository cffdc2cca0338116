"""Hostile uploads through the API and the real worker: each ends with a clear answer, the others
are indexed, and one workspace's backlog is bounded."""

from __future__ import annotations

import uuid

import pytest
from agentplatform.core.errors import RateLimited
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.models import SourceKind
from agentplatform.knowledge.documents.service import add_document
from agentplatform.knowledge.documents.storage import LocalStorage
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.factories import create_owner
from tests.knowledge.test_knowledge_documents import _owner, _upload
from tests.knowledge.zip_craft import empty_paragraphs_docx, lying_docx
from tests.worker_support import run_burst

MB = 1024 * 1024
POLICY = b"# Returns\n\nItems can be sent back within 30 days of delivery.\n"


def _wide_csv(rows: int, columns: int) -> bytes:
    header = ",".join(f"Column {c} with a long descriptive name" for c in range(columns))
    lines = [",".join(f"value {r}-{c} of a wide row" for c in range(columns)) for r in range(rows)]
    return "\n".join([header, *lines]).encode()


async def test_hostile_files_fail_with_a_reason_and_the_rest_are_indexed(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base = await _owner(live_client, engine)
    uploads = {
        "liar.docx": lying_docx(real_bytes=100 * MB, declared_bytes=1 * MB),
        "empty.docx": empty_paragraphs_docx(4_400_000),
        "wide.csv": _wide_csv(rows=400, columns=40),
        "policy.md": POLICY,
    }
    ids = {}
    for name, data in uploads.items():
        created = await _upload(live_client, base, name, data)
        assert created.status_code == 201, created.text  # the request only sniffs the type
        ids[name] = created.json()["id"]

    settings = live_settings.model_copy(update={"knowledge_max_chunks_per_document": 50})
    await run_burst(settings)

    def state(name: str) -> tuple[str, str]:
        return documents[name]["status"], documents[name]["last_error"] or ""

    documents = {n: (await live_client.get(f"{base}/{i}")).json() for n, i in ids.items()}
    assert state("policy.md") == ("ready", "")
    status, reason = state("liar.docx")
    assert (status, reason) == (
        "failed",
        "The Word document is damaged or is not a .docx file, and cannot be read.",
    )
    status, reason = state("empty.docx")
    assert status == "failed"
    assert "4,400,000 paragraphs" in reason
    status, reason = state("wide.csv")
    assert status == "failed"
    assert "at most 50 chunks" in reason
    for name in ("liar.docx", "empty.docx", "wide.csv"):
        assert documents[name]["attempts"] == 1  # refused for good, not retried


async def test_a_workspace_backlog_is_bounded(db: AsyncSession, settings: Settings) -> None:
    owner = await create_owner(db)
    storage = LocalStorage(settings.storage_path)

    async def add(text: str) -> uuid.UUID:
        document = await add_document(
            db,
            storage,
            owner.tenant.id,
            data=text.encode(),
            title=None,
            filename=None,
            declared_type="text/plain",
            source_kind=SourceKind.text,
            max_bytes=MB,
            max_queued=2,
        )
        return document.id

    await add("first")
    await add("second")
    with pytest.raises(RateLimited) as refused:
        await add("third")
    assert refused.value.status == 429
    assert "2 documents waiting" in str(refused.value)
