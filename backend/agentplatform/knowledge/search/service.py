"""Search as the API offers it: embed the query with the index's model, apply an agent's scope."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.scoped import scoped
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.models import Document
from agentplatform.knowledge.index.embedding import active_model, embedder_for
from agentplatform.knowledge.search.query import SearchHit, search
from agentplatform.knowledge.search.schemas import SearchHitRead, SearchRequest, SearchResponse


async def search_for_request(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    body: SearchRequest,
    knowledge_scope: Mapping[str, Any] | None = None,
) -> tuple[list[SearchHit], str]:
    """`knowledge_scope` (an agent's) limits the search to the documents it may read."""
    document_ids = body.document_ids
    if knowledge_scope is not None:
        allowed = await readable_documents(session, tenant_id, knowledge_scope)
        if allowed is not None:
            document_ids = [d for d in (document_ids or allowed) if d in allowed]
    model = await active_model(session, tenant_id)
    vector: list[float] = []
    if body.mode != "text":
        embedder = await embedder_for(session, settings, tenant_id, model)
        vector = (await embedder.embed_and_record(session, tenant_id, [body.query]))[0]
    hits = await search(
        session,
        tenant_id,
        body.query,
        vector,
        mode=body.mode,
        limit=body.limit,
        document_ids=document_ids,
        collection_ids=body.collection_ids,
        tags=body.tags,
    )
    return hits, model.model


async def readable_documents(
    session: AsyncSession, tenant_id: uuid.UUID, scope: Mapping[str, Any]
) -> set[uuid.UUID] | None:
    """The documents an agent may read: None for all; else its documents and collections' ones."""
    if scope.get("all", True):
        return None
    allowed = {uuid.UUID(d) for d in scope.get("document_ids", [])}
    collections = [uuid.UUID(c) for c in scope.get("collection_ids", [])]
    if collections:
        rows = await session.scalars(
            scoped(select(Document.id), Document, tenant_id).where(
                Document.collection_id.in_(collections)
            )
        )
        allowed.update(rows)
    return allowed


async def search_response(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    body: SearchRequest,
    knowledge_scope: Mapping[str, Any] | None = None,
) -> SearchResponse:
    hits, model = await search_for_request(session, settings, tenant_id, body, knowledge_scope)
    return SearchResponse(
        hits=[SearchHitRead.model_validate(hit, from_attributes=True) for hit in hits],
        embedding_model=model,
    )
