"""Knowledge documents: collections, and documents with where their indexing stands."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import ARRAY, REGCONFIG
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.core.db import Base, IdMixin, TimestampMixin, value_enum
from agentplatform.core.work import WorkMixin


class DocumentStatus(enum.StrEnum):
    queued = "queued"
    parsing = "parsing"
    chunking = "chunking"
    embedding = "embedding"
    ready = "ready"
    failed = "failed"


class SourceKind(enum.StrEnum):
    upload = "upload"
    text = "text"
    url = "url"


class Collection(IdMixin, TimestampMixin, Base):
    __tablename__ = "knowledge_collection"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (UniqueConstraint("tenant_id", "name"),)


class Document(WorkMixin, IdMixin, TimestampMixin, Base):
    """A source of knowledge and where its indexing stands (never stuck silently: see heartbeat)."""

    __tablename__ = "document"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    collection_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("knowledge_collection.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    source_kind: Mapped[SourceKind] = mapped_column(value_enum(SourceKind, "document_source"))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    filename: Mapped[str | None] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(20))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list, server_default="{}")
    status: Mapped[DocumentStatus] = mapped_column(
        value_enum(DocumentStatus, "document_status"), default=DocumentStatus.queued
    )
    progress: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    indexed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    page_count: Mapped[int | None] = mapped_column(Integer)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    token_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    embedding_model: Mapped[str | None] = mapped_column(String(200))
    # The bytes last indexed (for a web page, what the URL served then; `sha256` is its identity).
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    # When the scheduled re-check takes it again: a web page to re-fetch, or a document that failed
    # for a passing reason (network, provider). None: nothing scheduled.
    recheck_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The language detected when it was last indexed (ISO 639-1; None: not indexed yet, or not
    # told) and the text-search configuration its chunks are indexed with (migration 0020).
    language: Mapped[str | None] = mapped_column(String(16))
    ts_config: Mapped[str] = mapped_column(
        REGCONFIG, default="simple", server_default=sql_text("'simple'::regconfig")
    )

    __table_args__ = (
        UniqueConstraint("tenant_id", "sha256"),
        Index("ix_document_recheck_at", "recheck_at", postgresql_where="recheck_at IS NOT NULL"),
        Index("ix_document_tenant_id_status", "tenant_id", "status"),
    )
