"""What the worker runs for the knowledge base (thin: the logic is in the services)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from arq import Retry

from agentplatform.core import work
from agentplatform.core.db import unit_of_work
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.storage import LocalStorage
from agentplatform.knowledge.index import indexing, recheck, reembedding

logger = logging.getLogger(__name__)


async def index_next_document(ctx: dict[str, Any]) -> str:
    settings: Settings = ctx["settings"]
    try:
        outcome = await indexing.index_next(
            ctx["sessionmaker"], LocalStorage(settings.storage_path), settings, ctx["redis"]
        )
    except Exception as exc:
        # The document is back in the queue and says why; try again after a pause.
        logger.warning("indexing job failed; retrying", exc_info=True)
        raise work.retry_job(ctx.get("job_try", 1)) from exc
    if outcome == indexing.Outcome.retry:  # the embedding model changed under it: at once
        raise Retry(defer=1)
    return outcome


#: How long one re-embedding job works before it hands over to its continuation.
REEMBED_SLICE_SECONDS = 300.0


async def reembed_knowledge(ctx: dict[str, Any], tenant_id: str) -> str:
    try:
        outcome = await reembedding.build(
            ctx["sessionmaker"],
            ctx["settings"],
            uuid.UUID(tenant_id),
            slice_seconds=REEMBED_SLICE_SECONDS,
        )
    except Exception as exc:
        logger.warning("re-embedding failed; retrying", exc_info=True)
        raise work.retry_job(ctx.get("job_try", 1)) from exc
    if outcome == reembedding.Outcome.more:
        await ctx["redis"].enqueue_job(
            reembedding.REEMBED_JOB, tenant_id, _job_id=f"{ctx['job_id']}+"
        )
    return outcome


async def recheck_knowledge(ctx: dict[str, Any]) -> str:
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        done = await recheck.recheck(session, ctx["settings"])
    return f"{done.documents} documents re-queued, {done.moves_started} re-embeddings started"


async def follow_embedding_settings(ctx: dict[str, Any], payload: Mapping[str, str]) -> None:
    """The AI settings changed: move to the embedding model they choose now, if it is another."""
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        await reembedding.follow_settings(session, ctx["settings"], uuid.UUID(payload["tenant_id"]))
