"""What the worker runs for Kommo syncs (thin: the logic is in `jobs` and `service`)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from agentplatform.core import work
from agentplatform.core.db import unit_of_work
from agentplatform.kommo.sync import jobs as sync_jobs
from agentplatform.kommo.sync import service as sync_service

logger = logging.getLogger(__name__)


async def run_kommo_sync(ctx: dict[str, Any], run_id: str) -> str:
    try:
        return await sync_jobs.run_sync(
            ctx["sessionmaker"], ctx["settings"], ctx["redis"], uuid.UUID(run_id)
        )
    except Exception as exc:
        # The run is back in the queue and says why; try again when it is due.
        logger.warning("Kommo sync job failed; retrying", exc_info=True)
        raise work.retry_job(ctx.get("job_try", 1)) from exc


async def schedule_kommo_syncs(ctx: dict[str, Any]) -> int:
    """Queues the syncs of connected workspaces that are due (see `service.SYNC_EVERY`)."""
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        return await sync_service.schedule_due_syncs(session)
