"""Knowledge as an agent sees it: search limited to the documents it may read."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.agents.service import get_agent
from agentplatform.core.settings import Settings
from agentplatform.knowledge.search.schemas import SearchRequest, SearchResponse
from agentplatform.knowledge.search.service import search_response


async def search_knowledge(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    agent_id: uuid.UUID,
    body: SearchRequest,
) -> SearchResponse:
    """Knowledge search as the agent sees it: only the documents it may read."""
    agent = await get_agent(session, tenant_id, agent_id)
    return await search_response(session, settings, tenant_id, body, agent.knowledge or {})
