"""An agent's reply to a test conversation, with the knowledge it looked up and what it used."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.agents.models import Agent
from agentplatform.agents.schemas import (
    AgentPreviewReply,
    AgentPreviewRequest,
    AgentTool,
    PreviewContext,
    PreviewFact,
    PreviewPassage,
)
from agentplatform.agents.service import get_agent
from agentplatform.ai import replies
from agentplatform.ai.offline_responder import Passage
from agentplatform.core.settings import Settings
from agentplatform.knowledge.context import KnowledgeContext, knowledge_context
from agentplatform.knowledge.search.schemas import SearchRequest, SearchResponse
from agentplatform.knowledge.search.service import search_response

FACTS_TITLE = "Facts from the knowledge graph"


def profile(agent: Agent) -> replies.AgentProfile:
    return replies.AgentProfile(
        id=agent.id,
        instructions=agent.instructions,
        greeting=agent.greeting,
        language=agent.language,
        provider_id=agent.provider_id,
        model=agent.model,
        temperature=agent.temperature,
        max_output_tokens=agent.max_output_tokens,
    )


def _passages(found: KnowledgeContext) -> list[Passage]:
    """The passages found, then one passage holding the facts (a line each)."""
    passages: list[Passage] = [
        {"text": p.text, "title": p.document_title, "score": p.score} for p in found.passages
    ]
    if found.facts:
        lines = [f"- {f.text.rstrip('.')}." for f in found.facts]
        passages.append({"text": "\n".join(lines), "title": FACTS_TITLE})
    return passages


def _context(found: KnowledgeContext, used: set[int]) -> PreviewContext:
    facts_index = len(found.passages) if found.facts else None
    return PreviewContext(
        query=found.query,
        passages=[
            PreviewPassage(
                index=i,
                chunk_id=p.chunk_id,
                document_id=p.document_id,
                document_title=p.document_title,
                score=p.score,
                used=i in used,
            )
            for i, p in enumerate(found.passages)
        ],
        facts=[
            PreviewFact(
                text=f.text,
                subject=f.subject,
                predicate=f.predicate,
                object=f.object,
                confidence=f.confidence,
                document_id=f.document_id,
                document_title=f.document_title,
                chunk_id=f.chunk_id,
                used=facts_index in used,
            )
            for f in found.facts
        ],
        facts_passage_index=facts_index,
    )


async def preview_reply(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    agent: Agent,
    body: AgentPreviewRequest,
) -> AgentPreviewReply:
    passages: list[Passage] = [{"text": p.text, "title": p.title} for p in body.passages]
    found: KnowledgeContext | None = None
    question = next((m.content for m in reversed(body.messages) if m.role == "user"), None)
    searches = AgentTool.knowledge_search.value in (agent.tools or [])
    if not passages and body.use_knowledge and searches and question:
        found = await knowledge_context(
            session, settings, tenant_id, query=question, knowledge_scope=agent.knowledge or {}
        )
        passages = _passages(found)
    result = await replies.reply(
        session,
        settings,
        tenant_id,
        profile(agent),
        [{"role": m.role, "content": m.content} for m in body.messages],
        passages,
    )
    return AgentPreviewReply(
        text=result.text,
        offline=result.offline,
        provider=result.provider,
        model=result.model,
        model_source=result.model_source,
        used_passages=result.used_passages,
        tokens_in=result.tokens_in,
        tokens_out=result.tokens_out,
        latency_ms=result.latency_ms,
        context=_context(found, set(result.used_passages)) if found is not None else None,
    )


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
