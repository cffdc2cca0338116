"""What the worker runs for documents (thin: the logic is in the service)."""

from __future__ import annotations

from typing import Any

from agentplatform.core.db import unit_of_work
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents import service
from agentplatform.knowledge.documents.storage import LocalStorage


async def sweep_stored_files(ctx: dict[str, Any]) -> str:
    settings: Settings = ctx["settings"]
    async with unit_of_work(ctx["sessionmaker"], ctx["redis"]) as session:
        removed = await service.sweep_stored_files(session, LocalStorage(settings.storage_path))
    return f"{removed} stored files no document refers to removed"
