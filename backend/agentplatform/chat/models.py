"""Contacts, their conversations with agents, and the messages of each conversation."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
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
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.core.db import Base, IdMixin, TimestampMixin, utcnow, value_enum


class Channel(enum.StrEnum):
    test = "test"
    api = "api"
    kommo = "kommo"


class ConversationStatus(enum.StrEnum):
    open = "open"
    handed_off = "handed_off"
    closed = "closed"


class MessageRole(enum.StrEnum):
    user = "user"  # the customer
    assistant = "assistant"  # the agent
    human = "human"  # a person of the tenant answering in the conversation


class MessageStatus(enum.StrEnum):
    complete = "complete"
    streaming = "streaming"  # being written; a stream that ends without finishing turns failed
    failed = "failed"


class Contact(IdMixin, TimestampMixin, Base):
    """Someone an agent talks to. Deleting one deletes its conversations, messages and memories."""

    __tablename__ = "contact"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_contact_tenant_id_created_at", "tenant_id", "created_at"),)


class ContactExternalId(IdMixin, Base):
    """How another system names a contact: a Kommo contact id, an integrator's own id."""

    __tablename__ = "contact_external_id"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"))
    system: Mapped[str] = mapped_column(String(32))  # "kommo", "api", ...
    external_id: Mapped[str] = mapped_column(String(200))

    __table_args__ = (
        UniqueConstraint(
            "tenant_id", "system", "external_id", name="uq_contact_external_id_system_id"
        ),
        Index("ix_contact_external_id_contact_id", "contact_id"),
    )


class Conversation(IdMixin, TimestampMixin, Base):
    __tablename__ = "conversation"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    agent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE")
    )
    channel: Mapped[Channel] = mapped_column(value_enum(Channel, "conversation_channel"))
    status: Mapped[ConversationStatus] = mapped_column(
        value_enum(ConversationStatus, "conversation_status"),
        default=ConversationStatus.open,
        server_default=ConversationStatus.open.value,
    )
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Kommo's ids when the conversation is about a lead (as numbers in Kommo, kept as text).
    external_lead_id: Mapped[str | None] = mapped_column(String(64))
    external_talk_id: Mapped[str | None] = mapped_column(String(64))
    external_chat_id: Mapped[str | None] = mapped_column(String(128))
    message_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_message_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handoff_reason: Mapped[str | None] = mapped_column(Text)
    handoff_summary: Mapped[str | None] = mapped_column(Text)
    handed_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A person answered: the agent stays quiet here until then (see the agent's pause).
    paused_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_conversation_tenant_id_last_message_at", "tenant_id", "last_message_at"),
        Index("ix_conversation_agent_id", "agent_id"),
        Index("ix_conversation_contact_id", "contact_id"),
    )


class Message(IdMixin, Base):
    __tablename__ = "message"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE")
    )
    role: Mapped[MessageRole] = mapped_column(value_enum(MessageRole, "message_role"))
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[MessageStatus] = mapped_column(
        value_enum(MessageStatus, "message_status"),
        default=MessageStatus.complete,
        server_default=MessageStatus.complete.value,
    )
    # What wrote an assistant message and what it cost.
    provider: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    offline: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    tokens_in: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tokens_out: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    latency: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # The context bundle's ids and token counts (not its text), the citations and tool calls.
    context: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    citations: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default="[]"
    )
    tool_calls: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default="[]"
    )
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )

    __table_args__ = (
        Index("ix_message_conversation_id_created_at", "conversation_id", "created_at"),
        Index("ix_message_tenant_id_created_at", "tenant_id", "created_at"),
    )
