"""The knowledge index: chunks with their embeddings, and the model a tenant's vectors come from."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import ARRAY, REGCONFIG, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.core.db import Base, IdMixin, utcnow, value_enum
from agentplatform.core.work import WorkMixin

#: Every model's vectors have this size: the local all-MiniLM-L6-v2's, and provider models are
#: asked for it (the `dimensions` parameter of OpenAI's text-embedding-3 models).
EMBEDDING_DIMENSIONS = 384

#: Title, headings, text, each in the chunk's own configuration (migration 0020, whose function
#: `knowledge_heading_text` is array_to_string made IMMUTABLE, as a generated column needs).
SEARCH_VECTOR = (
    "setweight(to_tsvector(ts_config, document_title), 'A') || "
    "setweight(to_tsvector(ts_config, coalesce(knowledge_heading_text(heading_path), '')), 'B') "
    "|| to_tsvector(ts_config, text)"
)


class Chunk(IdMixin, Base):
    __tablename__ = "chunk"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    heading_path: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    page_start: Mapped[int | None] = mapped_column(Integer)
    page_end: Mapped[int | None] = mapped_column(Integer)
    token_count: Mapped[int] = mapped_column(Integer)
    embedding: Mapped[list[float] | None] = mapped_column(Vector(EMBEDDING_DIMENSIONS))
    # The vector from the model a re-embedding moves to; moved into `embedding` when all are done.
    pending_embedding: Mapped[list[float] | None] = mapped_column(Vector(EMBEDDING_DIMENSIONS))
    # The text-search configuration of the document's language (`knowledge.index.language`) and
    # the document's title as the chunk carries it (`knowledge.index.headers`): the full-text leg
    # weights the title (A) and the headings (B) above the text (D). Migration 0020.
    ts_config: Mapped[str] = mapped_column(
        REGCONFIG, default="simple", server_default=sql_text("'simple'::regconfig")
    )
    document_title: Mapped[str] = mapped_column(Text, default="", server_default="")
    search_vector: Mapped[str] = mapped_column(TSVECTOR, Computed(SEARCH_VECTOR, persisted=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow
    )

    __table_args__ = (
        UniqueConstraint("document_id", "index"),
        Index("ix_chunk_tenant_id_document_id", "tenant_id", "document_id"),
        Index(
            "ix_chunk_embedding_hnsw",
            "embedding",
            postgresql_using="hnsw",
            postgresql_with={"m": 16, "ef_construction": 64},
            postgresql_ops={"embedding": "vector_cosine_ops"},
        ),
        Index("ix_chunk_search_vector", "search_vector", postgresql_using="gin"),
    )


class IndexState(enum.StrEnum):
    ready = "ready"  # `embedding` holds the active model's vectors for every chunk
    building = "building"  # re-embedding with the target model; the active one keeps serving
    failed = "failed"  # the re-embedding stopped (see last_error); the active one keeps serving


class KnowledgeIndex(WorkMixin, Base):
    """Which embedding model a tenant's chunk vectors come from, and a move to another one.

    A model is named by `model` and, for a provider's, its `endpoint` ("<kind> <base url>"):
    the same model behind the same endpoint gives the same vectors, whichever key is used.
    """

    __tablename__ = "knowledge_index"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(200))
    endpoint: Mapped[str | None] = mapped_column(String(2100))
    provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_provider.id", ondelete="SET NULL")
    )
    state: Mapped[IndexState] = mapped_column(
        value_enum(IndexState, "knowledge_index_state"), default=IndexState.ready
    )
    target_model: Mapped[str | None] = mapped_column(String(200))
    target_endpoint: Mapped[str | None] = mapped_column(String(2100))
    target_provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_provider.id", ondelete="SET NULL")
    )
    chunks_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    chunks_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow, onupdate=utcnow
    )
