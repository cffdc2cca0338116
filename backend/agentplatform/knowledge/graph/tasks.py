"""What the worker runs for the knowledge graph (thin: the logic is in `jobs` and `service`)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from agentplatform.core import work
from agentplatform.core.db import unit_of_work
from agentplatform.knowledge.graph import jobs as graph_jobs
from agentplatform.knowledge.graph import service as graph_service
from agentplatform.knowledge.graph.store import delete_orphans

logger = logging.getLogger(__name__)


async def extract_knowledge_graph(ctx: dict[str, Any], document_id: str) -> str:
    try:
        return await graph_jobs.extract_document(
            ctx["sessionmaker"], ctx["settings"], uuid.UUID(document_id)
        )
    except Exception as exc:
        # The extraction is back in the queue and says why; try again when it is due.
        logger.warning("graph extraction job failed; retrying", exc_info=True)
        raise work.retry_job(ctx.get("job_try", 1)) from exc


async def tend_knowledge_graph(ctx: dict[str, Any]) -> int:
    """Queues ready documents that were never extracted and deletes entities no document
    mentions any more (documents deleted since). Dead extractions are the work sweep's."""
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        queued = await graph_service.queue_missing(session)
        await delete_orphans(session, None)
    return queued
