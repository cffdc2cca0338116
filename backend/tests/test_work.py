"""The durable-work mechanism (`core.work`) on real rows: claims, retries, the sweep."""

from __future__ import annotations

import uuid
from datetime import timedelta

from agentplatform.core import work
from agentplatform.core.db import create_sessionmaker, unit_of_work, utcnow
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.models import Document, DocumentStatus, SourceKind
from agentplatform.knowledge.index.embedding import ensure_index
from agentplatform.knowledge.index.indexing import INDEXING
from agentplatform.knowledge.index.models import IndexState, KnowledgeIndex
from agentplatform.knowledge.index.reembedding import REEMBEDDING
from arq import ArqRedis
from arq.jobs import Job, JobStatus
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.factories import create_owner


async def _tenant(maker: async_sessionmaker[AsyncSession]) -> uuid.UUID:
    async with unit_of_work(maker, None) as session:
        return (await create_owner(session)).tenant.id


async def _documents(
    maker: async_sessionmaker[AsyncSession], tenant_id: uuid.UUID, count: int
) -> list[uuid.UUID]:
    async with unit_of_work(maker, None) as session:
        rows = [
            Document(
                tenant_id=tenant_id,
                title=f"Document {i}",
                source_kind=SourceKind.text,
                content_type="markdown",
                size_bytes=1,
                sha256=uuid.uuid4().hex,
                storage_key=uuid.uuid4().hex,
                created_at=utcnow() + timedelta(milliseconds=i),
            )
            for i in range(count)
        ]
        session.add_all(rows)
        await session.flush()
        return [row.id for row in rows]


async def _claim(maker: async_sessionmaker[AsyncSession]) -> work.Claim | None:
    async with unit_of_work(maker, None) as session:
        taken = await work.claim_fairest(session, INDEXING)
        return None if taken is None else taken[1]


async def _row(maker: async_sessionmaker[AsyncSession], document_id: uuid.UUID) -> Document:
    async with maker() as session:
        row = await session.get(Document, document_id)
        assert row is not None
        return row


async def test_claims_go_round_robin_across_tenants(live_app: object, engine: AsyncEngine) -> None:
    maker = create_sessionmaker(engine)
    busy, quiet = await _tenant(maker), await _tenant(maker)
    await _documents(maker, busy, 3)
    await _documents(maker, quiet, 1)
    tenants = []
    while (held := await _claim(maker)) is not None:
        assert held.attempts == 1
        tenants.append(held.tenant_id)
    assert len(tenants) == 4
    assert set(tenants[:2]) == {busy, quiet}  # the quiet tenant's one waits for nobody's second
    assert tenants[2:] == [busy, busy]


async def test_a_retry_waits_for_its_backoff_and_the_last_attempt_fails(
    live_app: object, engine: AsyncEngine, settings: Settings
) -> None:
    maker = create_sessionmaker(engine)
    settings = settings.model_copy(update={"work_max_attempts": 2})
    [document_id] = await _documents(maker, await _tenant(maker), 1)

    held = await _claim(maker)
    assert held is not None
    assert await work.retry_or_fail(maker, settings, INDEXING, held, "Parser crashed")
    row = await _row(maker, document_id)
    assert row.status is DocumentStatus.queued
    assert row.last_error == "Parser crashed; retrying (attempt 1 of 2)"
    assert row.next_attempt_at is not None
    assert row.next_attempt_at > utcnow()
    assert await _claim(maker) is None  # not due yet

    async with unit_of_work(maker, None) as session:
        await session.execute(
            update(Document).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
    held = await _claim(maker)
    assert held is not None
    assert held.attempts == 2
    recheck = utcnow() + timedelta(hours=1)
    retry = await work.retry_or_fail(
        maker, settings, INDEXING, held, "Parser crashed", recheck_at=recheck
    )
    assert not retry
    row = await _row(maker, document_id)
    assert (row.status, row.last_error) == (
        DocumentStatus.failed,
        "Parser crashed; gave up after 2 attempts",
    )
    assert row.recheck_at == recheck
    assert await _claim(maker) is None  # failed work never runs again by itself


async def test_a_job_whose_row_was_queued_again_loses_its_claim(
    live_app: object, engine: AsyncEngine, redis: ArqRedis
) -> None:
    maker = create_sessionmaker(engine)
    [document_id] = await _documents(maker, await _tenant(maker), 1)
    held = await _claim(maker)
    assert held is not None
    assert await work.heartbeat(maker, INDEXING, held, progress=0.5)
    async with unit_of_work(maker, redis) as session:
        row = await session.get(Document, document_id)
        assert row is not None
        INDEXING.requeue(session, row)  # a person asked to reindex it meanwhile
    assert not await work.heartbeat(maker, INDEXING, held, status=DocumentStatus.ready)
    row = await _row(maker, document_id)
    assert (row.status, row.progress) == (DocumentStatus.queued, 0.0)


async def test_the_sweep_counts_a_dead_worker_and_gives_up_at_the_maximum(
    live_app: object, engine: AsyncEngine, settings: Settings, redis: ArqRedis
) -> None:
    maker = create_sessionmaker(engine)
    settings = settings.model_copy(update={"work_max_attempts": 3})
    tenant_id = await _tenant(maker)
    revived, exhausted, lost = await _documents(maker, tenant_id, 3)
    an_hour_ago = utcnow() - timedelta(hours=1)
    async with unit_of_work(maker, None) as session:
        await session.execute(
            update(Document)
            .where(Document.id.in_([revived, exhausted]))
            .values(status=DocumentStatus.embedding, heartbeat_at=an_hour_ago, attempts=2)
        )
        await session.execute(update(Document).where(Document.id == exhausted).values(attempts=3))
        await session.execute(
            update(Document).where(Document.id == lost).values(updated_at=an_hour_ago)
        )

    async with unit_of_work(maker, redis) as session:
        assert await work.sweep(session, settings, [INDEXING]) == 3
    row = await _row(maker, revived)
    assert (row.status, row.attempts, row.run_id) == (DocumentStatus.queued, 2, None)
    assert row.last_error == (
        "The worker died while processing this file; retrying (attempt 2 of 3)"
    )
    row = await _row(maker, exhausted)
    assert (row.status, row.attempts) == (DocumentStatus.failed, 3)
    assert row.last_error == (
        "Stopped after 3 attempts: the worker died while processing this file"
    )
    assert (await _row(maker, lost)).updated_at > an_hour_ago
    assert len(await redis.queued_jobs()) == 2  # the revived and the lost one: jobs sent again

    async with unit_of_work(maker, redis) as session:
        assert await work.sweep(session, settings, [INDEXING]) == 0


async def test_a_move_that_never_waits_counts_its_deaths_at_the_sweep(
    live_app: object, engine: AsyncEngine, settings: Settings, redis: ArqRedis
) -> None:
    maker = create_sessionmaker(engine)
    settings = settings.model_copy(update={"work_max_attempts": 2})
    tenant_id = await _tenant(maker)
    async with unit_of_work(maker, None) as session:
        await ensure_index(session, tenant_id)
        await session.execute(
            update(KnowledgeIndex).values(
                state=IndexState.building,
                heartbeat_at=utcnow() - timedelta(hours=1),
                started_at=utcnow(),
            )
        )

    async with unit_of_work(maker, redis) as session:
        assert await work.sweep(session, settings, [REEMBEDDING]) == 1
    async with maker() as session:
        index = await session.get(KnowledgeIndex, tenant_id)
        assert index is not None
        assert (index.state, index.attempts) == (IndexState.building, 1)
    [job] = await redis.queued_jobs()
    assert job.function == "reembed_knowledge"
    assert await Job(job.job_id, redis).status() == JobStatus.queued

    async with unit_of_work(maker, None) as session:
        await session.execute(
            update(KnowledgeIndex).values(heartbeat_at=utcnow() - timedelta(hours=1))
        )
    async with unit_of_work(maker, redis) as session:
        assert await work.sweep(session, settings, [REEMBEDDING]) == 1
    async with maker() as session:
        index = await session.get(KnowledgeIndex, tenant_id)
        assert index is not None
        assert (index.state, index.attempts) == (IndexState.failed, 2)
        assert index.last_error == (
            "Stopped after 2 attempts: the worker died while re-embedding the knowledge base"
        )


async def test_a_claim_is_kept_alive_through_a_long_quiet_step(
    live_app: object, engine: AsyncEngine
) -> None:
    import asyncio

    maker = create_sessionmaker(engine)
    (document_id,) = await _documents(maker, await _tenant(maker), 1)
    held = await _claim(maker)
    assert held is not None
    claimed_at = (await _row(maker, document_id)).heartbeat_at
    assert claimed_at is not None

    async with work.kept_alive(maker, INDEXING, held, every=0.05):
        await asyncio.sleep(0.4)  # parsing a large file: no progress to write meanwhile
    beaten = (await _row(maker, document_id)).heartbeat_at
    assert beaten is not None
    assert beaten > claimed_at

    async with unit_of_work(maker, None) as session:  # a person re-queued it: the claim is gone
        await session.execute(update(Document).values(run_id=uuid.uuid4()))
    async with work.kept_alive(maker, INDEXING, held, every=0.05):
        await asyncio.sleep(0.3)
    assert (await _row(maker, document_id)).heartbeat_at == beaten
