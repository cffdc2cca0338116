"""The knowledge graph: entities shared by a tenant's documents, the relations and mentions each
document contributes, and where each document's extraction stands.

A document's relations and mentions go with it (ON DELETE CASCADE) and are replaced whole when it
is extracted again. Entities are shared: one row per tenant, type and normalised name, whichever
documents mention it; an entity no document mentions any more is not listed (see `service`).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.core.db import Base, IdMixin, TimestampMixin, utcnow, value_enum
from agentplatform.core.work import WorkMixin


class EntityType(enum.StrEnum):
    person = "person"
    organization = "organization"
    product = "product"
    place = "place"
    price = "price"
    email = "email"
    phone = "phone"
    url = "url"
    other = "other"


class ExtractionStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    ready = "ready"
    failed = "failed"


class Entity(IdMixin, TimestampMixin, Base):
    __tablename__ = "graph_entity"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    type: Mapped[EntityType] = mapped_column(value_enum(EntityType, "graph_entity_type"))
    key: Mapped[str] = mapped_column(String(300))  # the name normalised (`extraction.name_key`)
    name: Mapped[str] = mapped_column(String(300))  # as first seen
    description: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (
        UniqueConstraint("tenant_id", "key", "type"),
        Index(
            "ix_graph_entity_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
    )


class Relation(IdMixin, Base):
    """`subject —predicate→ object`, the object an entity or a literal value ("2 years")."""

    __tablename__ = "graph_relation"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    # SET NULL: reindexing replaces chunks; the facts keep serving until extraction replaces them.
    chunk_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("chunk.id", ondelete="SET NULL"), index=True
    )
    subject_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("graph_entity.id", ondelete="CASCADE"))
    predicate: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("graph_entity.id", ondelete="CASCADE")
    )
    object_value: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow
    )

    __table_args__ = (
        CheckConstraint(
            "(object_id IS NULL) <> (object_value IS NULL)", name="object_entity_or_value"
        ),
        Index("ix_graph_relation_tenant_id_subject_id", "tenant_id", "subject_id"),
        Index("ix_graph_relation_tenant_id_object_id", "tenant_id", "object_id"),
        Index("ix_graph_relation_document_id", "document_id"),
    )


class Mention(IdMixin, Base):
    """An entity named in one chunk of a document (`count` times)."""

    __tablename__ = "graph_mention"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    entity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("graph_entity.id", ondelete="CASCADE"))
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    chunk_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("chunk.id", ondelete="SET NULL"), index=True
    )
    count: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_graph_mention_entity_id", "entity_id"),
        Index("ix_graph_mention_document_id", "document_id"),
    )


class Extraction(WorkMixin, TimestampMixin, Base):
    """Where a document's graph extraction stands (never stuck silently: see heartbeat)."""

    __tablename__ = "graph_extraction"

    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    status: Mapped[ExtractionStatus] = mapped_column(
        value_enum(ExtractionStatus, "graph_extraction_status"), default=ExtractionStatus.queued
    )
    extractor: Mapped[str | None] = mapped_column(String(200))  # "offline/patterns-v1" or a model
    entity_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    relation_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    mention_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extracted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_graph_extraction_tenant_id_status", "tenant_id", "status"),
        Index("ix_graph_extraction_status", "status"),
    )
