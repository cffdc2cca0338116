"""The scheduled re-check: web pages fetched again, passing failures retried, model drift followed.

- A document whose `recheck_at` has come goes back in the queue: a web page to be fetched again
  (re-indexed only if its bytes changed; its old chunks serve meanwhile), a document that failed
  for a reason that may pass (network, provider, budget) to be tried again from its first attempt.
- A tenant whose index is on another embedding model than its AI settings now choose (the
  environment's default changed, say) starts moving to it (`reembedding.follow_settings`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.db import utcnow
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.models import Document, DocumentStatus
from agentplatform.knowledge.documents.service import queue_indexing
from agentplatform.knowledge.index.models import IndexState
from agentplatform.knowledge.index.reembedding import follow_settings


@dataclass(frozen=True)
class Rechecked:
    documents: int
    moves_started: int


async def requeue_due_documents(session: AsyncSession, limit: int = 500) -> int:
    due = await session.scalars(
        select(Document)
        .where(
            Document.recheck_at <= utcnow(),
            Document.status.in_((DocumentStatus.ready, DocumentStatus.failed)),
        )
        .order_by(Document.recheck_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    count = 0
    for document in due:
        document.attempts = 0
        document.recheck_at = None
        queue_indexing(session, document)
        count += 1
    return count


async def follow_model_changes(session: AsyncSession, settings: Settings) -> int:
    tenants = await session.scalars(select(Document.tenant_id).distinct())
    started = 0
    for tenant_id in list(tenants):
        index = await follow_settings(session, settings, tenant_id)
        if index.state is IndexState.building and index.attempts == 0:
            started += 1
    return started


async def recheck(session: AsyncSession, settings: Settings) -> Rechecked:
    return Rechecked(
        documents=await requeue_due_documents(session),
        moves_started=await follow_model_changes(session, settings),
    )
