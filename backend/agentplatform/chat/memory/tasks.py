"""What the worker runs for contact memory (thin: the logic is in `learning`)."""

from __future__ import annotations

import uuid
from typing import Any

from agentplatform.chat.memory.learning import learn_from_message
from agentplatform.core.db import unit_of_work


async def extract_contact_memories(ctx: dict[str, Any], tenant_id: str, message_id: str) -> int:
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        memories = await learn_from_message(
            session, ctx["settings"], uuid.UUID(tenant_id), uuid.UUID(message_id)
        )
    return len(memories)
