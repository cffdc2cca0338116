"""Stored originals: a failed upload removes the file it wrote; the sweep removes the files no
document refers to, once they are older than the grace period."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents import service as documents_service
from agentplatform.knowledge.documents.models import Document, SourceKind
from agentplatform.knowledge.documents.storage import LocalStorage, storage_key
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_owner, login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def storage_root(app: FastAPI, settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "storage"
    app.state.settings = settings.model_copy(update={"storage_dir": root})
    return root


@pytest.fixture
async def plain_client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A 500 comes back as an answer rather than raised into the test."""
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def stored(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


async def _upload(client: AsyncClient, base: str, data: bytes, name: str = "notes.txt") -> Any:
    return await client.post(
        f"{base}/knowledge/documents", files={"file": (name, data, "application/octet-stream")}
    )


async def test_a_failed_upload_removes_the_file_it_stored(
    app: FastAPI,
    plain_client: AsyncClient,
    db: AsyncSession,
    storage_root: Path,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner = await create_owner(db)
    await login(plain_client, owner.user.email)
    base = f"/api/v1/tenants/{owner.tenant.id}"
    kept = await _upload(plain_client, base, b"The premium plan costs 49 EUR a month.")
    assert kept.status_code == 201, kept.text
    files = stored(storage_root)
    assert len(files) == 1
    assert files[0].endswith(kept.json()["id"])

    refused = await _upload(plain_client, base, PNG, "photo.png")
    assert refused.status_code == 422
    assert stored(storage_root) == files

    # The same bytes added by a request running alongside: the duplicate check passed, the
    # database refuses the row. The loser's file goes, the winner's stays.
    async def nothing_yet(*_: object) -> None:
        return None

    with monkeypatch.context() as patch:
        patch.setattr(documents_service, "_same_content", nothing_yet)
        raced = await _upload(plain_client, base, b"The premium plan costs 49 EUR a month.")
    assert raced.status_code == 409, raced.text
    assert raced.json()["errors"][0]["field"] == "body.file"
    assert stored(storage_root) == files

    # Any other failure after the file was written (here, queueing the indexing).
    def broken(*_: object) -> None:
        raise RuntimeError("the queue broke")

    with monkeypatch.context() as patch:
        patch.setattr(documents_service, "queue_indexing", broken)
        failed = await _upload(plain_client, base, b"Support answers within one business day.")
    assert failed.status_code == 500
    assert stored(storage_root) == files

    # The queue is full: refused before anything is written.
    app.state.settings = app.state.settings.model_copy(
        update={"knowledge_max_queued_per_tenant": 1}
    )
    full = await _upload(plain_client, base, b"Refunds take five business days.")
    assert full.status_code == 429
    assert stored(storage_root) == files

    listed = (await plain_client.get(f"{base}/knowledge/documents")).json()
    assert [d["id"] for d in listed["items"]] == [kept.json()["id"]]


def _write(root: Path, key: str, age_seconds: float) -> None:
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"original")
    then = time.time() - age_seconds
    os.utime(path, (then, then))


async def test_the_sweep_removes_old_files_no_document_refers_to(
    db: AsyncSession, tmp_path: Path
) -> None:
    owner = await create_owner(db)
    tenant_id = owner.tenant.id
    digest = "ab" * 32
    document = Document(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        title="Prices",
        source_kind=SourceKind.upload,
        content_type="text",
        size_bytes=8,
        sha256=digest,
        attempts=0,
    )
    document.storage_key = storage_key(tenant_id, digest, document.id)
    db.add(document)
    await db.flush()
    hours = 3600.0
    referenced = document.storage_key
    orphan = storage_key(tenant_id, "cd" * 32, uuid.uuid4())
    young_orphan = storage_key(tenant_id, "ef" * 32, uuid.uuid4())  # an upload in flight
    crashed_write = f"{tenant_id}/ab/.upload-k3j4h5"
    other_tenant = storage_key(uuid.uuid4(), digest, document.id)  # same name, gone tenant
    for key, age in [
        (referenced, 48 * hours),
        (orphan, 2 * hours),
        (young_orphan, 0.1 * hours),
        (crashed_write, 5 * hours),
        (other_tenant, 2 * hours),
        ("loose-file", 2 * hours),
    ]:
        _write(tmp_path, key, age)

    removed = await documents_service.sweep_stored_files(db, LocalStorage(tmp_path))

    assert removed == 4
    assert stored(tmp_path) == sorted([referenced, young_orphan])
    assert await documents_service.sweep_stored_files(db, LocalStorage(tmp_path)) == 0
    missing = LocalStorage(tmp_path / "never-written")
    assert await documents_service.sweep_stored_files(db, missing) == 0
