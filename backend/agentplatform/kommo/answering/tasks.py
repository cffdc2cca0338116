"""What the worker runs to answer Kommo conversations (thin: the logic is in `replying`)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from agentplatform.core.db import unit_of_work
from agentplatform.kommo.answering.intake import (
    ANSWER_JOB,
    answer_job_id,
    unanswered_conversations,
)
from agentplatform.kommo.answering.replying import answer_conversation

SWEEP_AFTER = timedelta(seconds=30)


async def kommo_answer_conversation(
    ctx: dict[str, Any], tenant_id: str, conversation_id: str
) -> str:
    return await answer_conversation(
        ctx["sessionmaker"],
        ctx["redis"],
        ctx["settings"],
        ctx["redis"],
        uuid.UUID(tenant_id),
        uuid.UUID(conversation_id),
    )


async def sweep_unanswered(ctx: dict[str, Any]) -> int:
    """Sends the answer job again for conversations whose customer has waited (a lost job)."""
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        waiting = await unanswered_conversations(session, SWEEP_AFTER)
    for tenant_id, conversation_id in waiting:
        await ctx["redis"].enqueue_job(
            ANSWER_JOB, str(tenant_id), str(conversation_id), _job_id=answer_job_id(conversation_id)
        )
    return len(waiting)
