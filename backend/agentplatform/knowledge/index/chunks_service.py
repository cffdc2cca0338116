"""Chunks of a document: preview them in order, correct one and embed it again at once."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.ai.local_embedder import aget_local_embedder
from agentplatform.core.errors import Conflict
from agentplatform.core.pagination import PageParams, paginate
from agentplatform.core.scoped import get_scoped_where, scoped
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.models import DocumentStatus
from agentplatform.knowledge.documents.service import get_document
from agentplatform.knowledge.graph.service import queue_extraction
from agentplatform.knowledge.index.embedding import active_ref, embedder_for, locked_index
from agentplatform.knowledge.index.headers import contextual_text, vector_title
from agentplatform.knowledge.index.models import Chunk

EDITABLE = (DocumentStatus.ready, DocumentStatus.failed)


async def list_chunks(
    session: AsyncSession, tenant_id: uuid.UUID, document_id: uuid.UUID, params: PageParams
) -> tuple[list[Chunk], int]:
    document = await get_document(session, tenant_id, document_id)
    stmt = (
        scoped(select(Chunk), Chunk, tenant_id)
        .where(Chunk.document_id == document.id)
        .order_by(Chunk.index)
    )
    return await paginate(session, stmt, params)


async def update_chunk_text(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    document_id: uuid.UUID,
    chunk_id: uuid.UUID,
    text: str,
) -> Chunk:
    """Replaces the text, embeds it (as indexing does, `headers.contextual_text`) with the model
    the tenant's vectors come from and keeps the document's token total (a re-embedding under way
    embeds it again with its model)."""
    document = await get_document(session, tenant_id, document_id)
    chunk = await get_scoped_where(
        session,
        Chunk,
        tenant_id,
        "Chunk not found",
        Chunk.id == chunk_id,
        Chunk.document_id == document.id,
    )
    if document.status not in EDITABLE:
        # The worker is about to replace every chunk of the document; the edit would be lost.
        raise Conflict("The document is being indexed; edit its chunks once it is ready")
    index = await locked_index(session, tenant_id)
    embedder = await embedder_for(session, settings, tenant_id, active_ref(index))
    embedded = contextual_text(
        vector_title(settings, chunk.document_title), chunk.heading_path, text
    )
    vector = (await embedder.embed_and_record(session, tenant_id, [embedded]))[0]
    local = await aget_local_embedder(settings.local_embedding_model_path)
    tokens = local.count_tokens([text])[0]
    document.token_count = max(0, document.token_count - chunk.token_count + tokens)
    document.embedding_model = embedder.ref.model
    chunk.text = text
    chunk.token_count = tokens
    chunk.embedding = vector
    chunk.pending_embedding = None
    await session.flush()
    await queue_extraction(session, document)  # its facts may have changed with the text
    await session.flush()
    return chunk
