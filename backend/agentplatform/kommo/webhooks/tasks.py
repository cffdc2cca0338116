"""What the worker runs for webhook intake (thin: the logic is in `processing` and `reconcile`)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from agentplatform.core import work
from agentplatform.kommo.webhooks import processing, reconcile

logger = logging.getLogger(__name__)


async def process_kommo_webhook_event(ctx: dict[str, Any], event_id: str) -> str:
    try:
        return await processing.process_event(
            ctx["sessionmaker"], ctx["settings"], ctx.get("redis"), uuid.UUID(event_id)
        )
    except Exception as exc:
        # The event is back in the queue and says why; try again when it is due.
        raise work.retry_job(ctx.get("job_try", 1)) from exc


async def reconcile_kommo_events(ctx: dict[str, Any]) -> int:
    """Stores the events Kommo logged but no webhook brought (see `reconcile`)."""
    return await reconcile.reconcile_all(ctx["sessionmaker"], ctx["settings"], ctx["redis"])
