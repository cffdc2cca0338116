"""What the worker runs for the knowledge graph (thin: the logic is in `jobs`)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from arq import Retry

from agentplatform.core.db import unit_of_work
from agentplatform.knowledge.graph import jobs as graph_jobs
from agentplatform.knowledge.graph import service as graph_service

logger = logging.getLogger(__name__)


async def extract_knowledge_graph(ctx: dict[str, Any], document_id: str) -> str:
    try:
        return await graph_jobs.extract_document(
            ctx["sessionmaker"], ctx["settings"], uuid.UUID(document_id)
        )
    except Exception as exc:
        # The extraction is back in the queue and says why; try again after a pause.
        logger.warning("graph extraction job failed; retrying", exc_info=True)
        raise Retry(defer=5 * ctx.get("job_try", 1) ** 2) from exc


async def sweep_stale_graph_extractions(ctx: dict[str, Any]) -> int:
    """Re-queues extractions whose job died (worker killed, Redis lost its queue) and queues
    ready documents that were never extracted."""
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        revived = await graph_jobs.revive_stale(session, ctx["settings"])
        return revived + await graph_service.queue_missing(session)
