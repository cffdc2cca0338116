"""The one Kommo account a workspace is connected to."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.core.db import Base, IdMixin, TimestampMixin, value_enum


class ConnectionStatus(enum.StrEnum):
    connected = "connected"
    # The grant was revoked or expired (or the refresh token was spent): a person must connect
    # again; nothing is sent to Kommo until then.
    reconnect_required = "reconnect_required"


class AuthKind(enum.StrEnum):
    oauth = "oauth"  # the public integration: access and refresh token, rotated
    long_lived = "long_lived"  # a private integration's long-lived token


class KommoConnection(IdMixin, TimestampMixin, Base):
    __tablename__ = "kommo_connection"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenant.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[ConnectionStatus] = mapped_column(
        value_enum(ConnectionStatus, "kommo_connection_status")
    )
    auth_kind: Mapped[AuthKind] = mapped_column(value_enum(AuthKind, "kommo_auth_kind"))
    base_url: Mapped[str] = mapped_column(String(255))  # https://acme.kommo.com
    subdomain: Mapped[str] = mapped_column(String(255))
    account_id: Mapped[int] = mapped_column(BigInteger, index=True)
    amojo_id: Mapped[str | None] = mapped_column(String(64))  # the account's Chats API id
    access_token_encrypted: Mapped[str] = mapped_column(Text)
    refresh_token_encrypted: Mapped[str | None] = mapped_column(Text)
    access_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The secret part of our webhook URL (account webhooks are unsigned): encrypted to show the
    # URL again, and its hash to find the connection a delivery is for.
    webhook_token_encrypted: Mapped[str] = mapped_column(Text)
    webhook_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    webhooks_registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    connected_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    last_error: Mapped[str | None] = mapped_column(Text)
    # Replies through a salesbot (no Chats API channel of ours): the text is written into this
    # lead field, then this bot (one `show` step of the field) is run on the lead.
    reply_salesbot_id: Mapped[int | None] = mapped_column(BigInteger)
    reply_field_id: Mapped[int | None] = mapped_column(BigInteger)
    # Who "we" are in the account: the Kommo user our token acts as (our changes carry its id)
    # and its Chats API id (our messages' author); webhook events by them are marked `own`.
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    user_amojo_id: Mapped[str | None] = mapped_column(String(64))
    # The `created_at` of the newest Kommo event the reconciliation has read (unix seconds).
    events_cursor: Mapped[int | None] = mapped_column(BigInteger)
