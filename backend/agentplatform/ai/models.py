"""Per-tenant AI configuration (providers with encrypted keys, defaults, budget) and usage."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.ai.llm import ProviderKind
from agentplatform.core.db import Base, IdMixin, TimestampMixin, utcnow, value_enum


class AiProvider(IdMixin, TimestampMixin, Base):
    """A provider a tenant configured: its own OpenAI or OpenRouter key, or a compatible server."""

    __tablename__ = "ai_provider"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenant.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[ProviderKind] = mapped_column(value_enum(ProviderKind, "provider_kind"))
    base_url: Mapped[str] = mapped_column(String(500))
    api_key_encrypted: Mapped[str | None] = mapped_column(Text)
    api_key_last_four: Mapped[str] = mapped_column(String(4), default="", server_default="")

    __table_args__ = (UniqueConstraint("tenant_id", "name"),)


class AiSettings(Base):
    """A tenant's defaults: which provider and model answer and embed, and the monthly budget."""

    __tablename__ = "ai_settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True
    )
    chat_provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_provider.id", ondelete="SET NULL")
    )
    chat_model: Mapped[str | None] = mapped_column(String(200))
    embedding_provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_provider.id", ondelete="SET NULL")
    )
    embedding_model: Mapped[str | None] = mapped_column(String(200))
    monthly_token_budget: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow, onupdate=utcnow
    )


class UsageOperation(enum.StrEnum):
    chat = "chat"
    embedding = "embedding"


class AiUsage(IdMixin, Base):
    """One LLM or embedding call: tokens and latency per tenant, agent and model."""

    __tablename__ = "ai_usage"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    agent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agent.id", ondelete="SET NULL"), index=True
    )
    operation: Mapped[UsageOperation] = mapped_column(value_enum(UsageOperation, "usage_operation"))
    provider: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(200))
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    ok: Mapped[bool] = mapped_column(Boolean, default=True)
    error_code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow
    )

    __table_args__ = (Index("ix_ai_usage_tenant_id_created_at", "tenant_id", "created_at"),)
