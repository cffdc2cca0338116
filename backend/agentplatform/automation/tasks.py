"""What the worker runs for automation (thin: the logic is in `steps` and `time_triggers`)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from agentplatform.automation import steps, time_triggers
from agentplatform.core.db import unit_of_work, utcnow

logger = logging.getLogger(__name__)


async def claim_due_steps(ctx: dict[str, Any]) -> int:
    """The claim pass: due steps taken fairly, one `sequence:step` job each."""
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        return await steps.claim_due(session, ctx["settings"])


async def sequence_step(ctx: dict[str, Any], step_id: str, run_id: str) -> str:
    """One claimed step. A failure puts the row back in the queue (or fails it) with the
    reason; the next claim pass takes it under a new claim and job, so arq does not retry."""
    try:
        ran = await steps.run_step(
            ctx["sessionmaker"], ctx["redis"], ctx["settings"], uuid.UUID(step_id),
            uuid.UUID(run_id),
        )  # fmt: skip
    except Exception:
        logger.warning("sequence step failed", exc_info=True)
        return "failed"
    return ran.outcome


async def fire_time_triggers(ctx: dict[str, Any]) -> int:
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        return await time_triggers.fire(session, ctx["settings"], ctx["redis"], utcnow())
