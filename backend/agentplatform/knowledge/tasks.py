"""What the worker runs for the knowledge base (thin: the logic is in `indexing`)."""

from __future__ import annotations

import logging
from typing import Any

from arq import Retry

from agentplatform.core.db import unit_of_work
from agentplatform.core.settings import Settings
from agentplatform.knowledge import indexing
from agentplatform.knowledge.documents_service import queue_indexing
from agentplatform.knowledge.storage import LocalStorage

logger = logging.getLogger(__name__)


async def index_next_document(ctx: dict[str, Any]) -> str:
    settings: Settings = ctx["settings"]
    try:
        return await indexing.index_next(
            ctx["sessionmaker"], LocalStorage(settings.storage_path), settings
        )
    except Exception as exc:
        # The document is back in the queue and says why; try again after a pause.
        logger.warning("indexing job failed; retrying", exc_info=True)
        raise Retry(defer=5 * ctx.get("job_try", 1) ** 2) from exc


async def sweep_stale_documents(ctx: dict[str, Any]) -> int:
    """Re-queues documents whose indexing job died (worker killed, Redis lost its queue)."""
    settings: Settings = ctx["settings"]
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        stale = await indexing.stale_documents(session, settings)
        for document in stale:
            logger.warning("re-queueing stale document", extra={"document_id": str(document.id)})
            queue_indexing(session, document)
    return len(stale)
