"""What an agent remembers about a contact: facts with their embedding, importance and history."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from pgvector.sqlalchemy import Vector
from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.core.db import Base, IdMixin, TimestampMixin, utcnow, value_enum

#: Memories are embedded by the local model whatever the workspace's knowledge uses: they are
#: compared only with one contact's other memories and the message at hand, cost nothing, and
#: never need re-embedding when the workspace changes models.
MEMORY_DIMENSIONS = 384


class MemoryStatus(enum.StrEnum):
    active = "active"
    superseded = "superseded"  # a contradicting fact replaced it; kept as history


class MemoryOrigin(enum.StrEnum):
    conversation = "conversation"  # extracted after a turn
    manual = "manual"  # added or corrected by a person


class ContactMemory(IdMixin, TimestampMixin, Base):
    __tablename__ = "contact_memory"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))  # "name", "city", "preference", ...
    value: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)  # as the agent is told it: "Lives in: Valencia"
    importance: Mapped[float] = mapped_column(Float, default=0.5, server_default="0.5")
    status: Mapped[MemoryStatus] = mapped_column(
        value_enum(MemoryStatus, "memory_status"),
        default=MemoryStatus.active,
        server_default=MemoryStatus.active.value,
    )
    superseded_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contact_memory.id", ondelete="SET NULL")
    )
    origin: Mapped[MemoryOrigin] = mapped_column(value_enum(MemoryOrigin, "memory_origin"))
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("conversation.id", ondelete="SET NULL")
    )
    message_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("message.id", ondelete="SET NULL")
    )
    embedding: Mapped[list[float]] = mapped_column(Vector(MEMORY_DIMENSIONS))
    times_seen: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_seen_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )

    __table_args__ = (
        Index("ix_contact_memory_contact_id_status", "contact_id", "status"),
        Index("ix_contact_memory_tenant_id", "tenant_id"),
    )
