"""Knowledge stats: every status counted, totals, the last indexing and recent failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agentplatform.knowledge.documents.models import DocumentStatus
from agentplatform.knowledge.index.models import Chunk
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_owner, login
from tests.knowledge.test_knowledge_collections import make_document


async def test_stats_of_an_empty_knowledge_base(client: AsyncClient, db: AsyncSession) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    stats = (await client.get(f"/api/v1/tenants/{owner.tenant.id}/knowledge/stats")).json()
    assert stats["documents_by_status"] == {s.value: 0 for s in DocumentStatus}
    assert (stats["total_documents"], stats["total_chunks"], stats["total_tokens"]) == (0, 0, 0)
    assert stats["storage_bytes"] == 0
    assert stats["last_indexed_at"] is None
    assert stats["recent_failures"] == []


async def test_stats_count_only_the_tenants_documents(
    client: AsyncClient, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    other = await create_owner(db)
    await login(client, owner.user.email)
    tenant = owner.tenant.id
    now = datetime.now(UTC)
    ready = await make_document(
        db, tenant, "A", size_bytes=1000, token_count=120, indexed_at=now - timedelta(hours=2)
    )
    await make_document(db, tenant, "B", size_bytes=500, token_count=30, indexed_at=now)
    await make_document(db, tenant, "C", status=DocumentStatus.queued, size_bytes=7)
    for i in range(6):
        await make_document(
            db,
            tenant,
            f"Broken {i}",
            status=DocumentStatus.failed,
            size_bytes=1,
            last_error=f"Indexing failed ({i})",
            updated_at=now - timedelta(minutes=10 - i),
        )
    db.add_all(
        Chunk(tenant_id=tenant, document_id=ready, index=i, text=f"chunk {i}", token_count=40)
        for i in range(3)
    )
    their = await make_document(
        db, other.tenant.id, size_bytes=10**6, token_count=999, indexed_at=now + timedelta(days=1)
    )
    db.add(Chunk(tenant_id=other.tenant.id, document_id=their, index=0, text="x", token_count=1))
    await db.commit()

    stats = (await client.get(f"/api/v1/tenants/{tenant}/knowledge/stats")).json()
    assert stats["documents_by_status"] == {
        "queued": 1,
        "parsing": 0,
        "chunking": 0,
        "embedding": 0,
        "ready": 2,
        "failed": 6,
    }
    assert stats["total_documents"] == 9
    assert stats["total_chunks"] == 3
    assert stats["total_tokens"] == 150
    assert stats["storage_bytes"] == 1507 + 6
    assert datetime.fromisoformat(stats["last_indexed_at"]) == now
    failures = stats["recent_failures"]
    assert [f["title"] for f in failures] == [f"Broken {i}" for i in (5, 4, 3, 2, 1)]
    assert failures[0]["last_error"] == "Indexing failed (5)"

    assert (
        await client.get(f"/api/v1/tenants/{other.tenant.id}/knowledge/stats")
    ).status_code == 404
