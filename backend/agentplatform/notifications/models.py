"""A workspace's Slack target and how its last delivery went."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.core.db import Base, IdMixin, TimestampMixin, value_enum


class SlackKind(enum.StrEnum):
    webhook = "webhook"  # an incoming webhook: the URL is the secret, the channel is Slack's
    bot = "bot"  # a bot token (xoxb-…) posting with chat.postMessage to `channel`


class SlackIntegration(IdMixin, TimestampMixin, Base):
    __tablename__ = "slack_integration"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenant.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[SlackKind] = mapped_column(value_enum(SlackKind, "slack_kind"))
    secret_encrypted: Mapped[str] = mapped_column(Text)  # the webhook URL or the bot token
    secret_last_four: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str | None] = mapped_column(String(80))
    notify_handoffs: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    notify_sync_failures: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    last_delivery_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_delivery_ok: Mapped[bool | None] = mapped_column(Boolean)
    last_delivery_error: Mapped[str | None] = mapped_column(Text)
    configured_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
