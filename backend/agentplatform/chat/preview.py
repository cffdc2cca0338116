"""The agent preview: one reply to a conversation the caller gives, built exactly as a turn is
(the same context builder and generation), but stored nowhere and running no tools.

With no passages given it looks knowledge up as a turn does and says what it found and used;
given passages replace the lookup (to try an answer against a text before uploading it).
"""

from __future__ import annotations

import uuid
from contextlib import aclosing

from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.agents.profile import load_profile
from agentplatform.agents.schemas import (
    AgentPreviewReply,
    AgentPreviewRequest,
    AgentTool,
    PreviewContext,
    PreviewFact,
    PreviewPassage,
)
from agentplatform.ai import usage
from agentplatform.ai.resolver import resolve_chat
from agentplatform.ai.tokens import tokenizer_for
from agentplatform.chat.context import ContextInput, GraphFact, Passage, Turn, assemble
from agentplatform.chat.generation import Generated, GenerationRequest, generate, record_usage
from agentplatform.chat.tools import ToolRunner
from agentplatform.core.settings import Settings
from agentplatform.knowledge.context import KnowledgeContext, knowledge_context


def _preview_context(
    found: KnowledgeContext, cited_chunks: set[uuid.UUID], used_facts: bool
) -> PreviewContext:
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
                used=p.chunk_id in cited_chunks,
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
                used=used_facts,
            )
            for f in found.facts
        ],
        facts_passage_index=facts_index,
    )


async def preview_reply(
    session: AsyncSession,
    settings: Settings,
    redis: ArqRedis | None,
    tenant_id: uuid.UUID,
    agent_id: uuid.UUID,
    body: AgentPreviewRequest,
) -> AgentPreviewReply:
    agent = await load_profile(session, redis, tenant_id, agent_id)
    *earlier, last = body.messages
    question = next((m.content for m in reversed(body.messages) if m.role == "user"), last.content)
    found: KnowledgeContext | None = None
    passages = [
        Passage(None, None, given.title or "Untitled", given.text, 1.0) for given in body.passages
    ]
    facts: list[GraphFact] = []
    if not passages and body.use_knowledge and AgentTool.knowledge_search.value in agent.tools:
        found = await knowledge_context(
            session, settings, tenant_id, query=question, knowledge_scope=agent.knowledge
        )
        passages = [
            Passage(p.chunk_id, p.document_id, p.document_title, p.text, p.score)
            for p in found.passages
        ]
        facts = [
            GraphFact(f.text, f.chunk_id, f.document_id, f.document_title, f.confidence)
            for f in found.facts
        ]
    resolved = await resolve_chat(
        session, settings, tenant_id, agent_provider_id=agent.provider_id, agent_model=agent.model
    )
    if resolved.config is not None:
        await usage.check_budget(session, tenant_id)
    bundle = assemble(
        tokenizer_for(resolved.model if resolved.config is not None else None),
        ContextInput(
            instructions=agent.instructions,
            language=agent.language,
            message=last.content,
            history=[Turn(m.role, m.content) for m in earlier],
            passages=passages,
            facts=facts,
            budget=settings.chat_context_tokens - agent.max_output_tokens,
        ),
    )
    runner = ToolRunner(
        maker=None,
        arq=redis,
        settings=settings,
        tenant_id=tenant_id,
        conversation_id=uuid.UUID(int=0),
        contact_id=None,
        lead_id=None,
        allowed=frozenset(),  # a preview changes nothing
        knowledge_scope=agent.knowledge,
        test=True,
        passages=bundle.passages,
    )
    request = GenerationRequest.for_agent(
        agent, settings, resolved, bundle, runner, stream=False, tools=[], max_steps=0
    )
    generated: Generated | None = None
    async with aclosing(generate(request)) as items:
        async for item in items:
            if isinstance(item, Generated):
                generated = item
    assert generated is not None
    await record_usage(session, tenant_id, agent.id, generated)
    used = list(generated.cited)
    if generated.used_facts and bundle.facts:
        used.append(len(bundle.passages))
    cited_chunks = {
        chunk for i in generated.cited if (chunk := bundle.passages[i].chunk_id) is not None
    }
    return AgentPreviewReply(
        text=generated.text,
        offline=generated.offline,
        provider=generated.provider,
        model=generated.model,
        model_source=generated.model_source,
        used_passages=used,
        tokens_in=generated.tokens_in,
        tokens_out=generated.tokens_out,
        latency_ms=generated.generation_ms,
        context=_preview_context(found, cited_chunks, generated.used_facts) if found else None,
    )
