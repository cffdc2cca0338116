"""Agents (what they know, how they speak, which model answers) and their revisions."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Enum, Float, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.core.db import Base, IdMixin, TimestampMixin, utcnow


class AgentStatus(enum.StrEnum):
    draft = "draft"
    active = "active"
    paused = "paused"


class Agent(IdMixin, TimestampMixin, Base):
    __tablename__ = "agent"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[AgentStatus] = mapped_column(
        Enum(AgentStatus, name="agent_status", values_callable=lambda k: [m.value for m in k]),
        default=AgentStatus.draft,
        server_default=AgentStatus.draft.value,
    )
    instructions: Mapped[str] = mapped_column(Text, default="", server_default="")
    greeting: Mapped[str] = mapped_column(Text, default="", server_default="")
    language: Mapped[str] = mapped_column(String(35), default="en", server_default="en")
    provider_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_provider.id", ondelete="SET NULL")
    )
    model: Mapped[str | None] = mapped_column(String(200))
    temperature: Mapped[float] = mapped_column(Float, default=0.3, server_default="0.3")
    max_output_tokens: Mapped[int] = mapped_column(Integer, default=1024, server_default="1024")
    tools: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list, server_default="{}")
    knowledge: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    kommo: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    working_hours: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    human_pause_minutes: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (Index("ix_agent_tenant_id_name", "tenant_id", "name"),)


class AgentRevision(IdMixin, Base):
    """The whole configuration after each change, so any version can be viewed and restored."""

    __tablename__ = "agent_revision"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    agent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    changed_fields: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow
    )

    __table_args__ = (
        Index("uq_agent_revision_agent_id_version", "agent_id", "version", unique=True),
    )
