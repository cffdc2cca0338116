"""Every Kommo webhook event received, as a row that is work (`core.work`).

One row per event (a body may batch several), unique per tenant by the event's `dedup_key`, so
that Kommo's retries and duplicates are stored once and processed once: a repeated delivery only
counts in `deliveries`. Bodies we cannot read are kept as `rejected` rows with the raw bytes,
for people to inspect; well-formed parts we do not handle are kept as `ignored`.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.core.db import Base, IdMixin, TimestampMixin, value_enum
from agentplatform.core.work import WorkMixin


class WebhookEventStatus(enum.StrEnum):
    received = "received"  # stored, its job sent (or to be sent again by the work sweep)
    processing = "processing"
    processed = "processed"
    failed = "failed"  # a handler failed for good (the reason in `last_error`)
    ignored = "ignored"  # well formed, but nothing handles it (or its handler skipped it)
    rejected = "rejected"  # the body could not be read (kept in `raw_body`)


class KommoWebhookEvent(IdMixin, TimestampMixin, WorkMixin, Base):
    __tablename__ = "kommo_webhook_event"
    __table_args__ = (
        UniqueConstraint("tenant_id", "dedup_key"),
        Index("ix_kommo_webhook_event_tenant_id_received_at", "tenant_id", "received_at"),
        Index("ix_kommo_webhook_event_status_updated_at", "status", "updated_at"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    connection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("kommo_connection.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(64))  # lead.status, message.add, ... ("" rejected)
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    dedup_key: Mapped[str] = mapped_column(String(255))
    own: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    status: Mapped[WebhookEventStatus] = mapped_column(
        value_enum(WebhookEventStatus, "kommo_webhook_event_status")
    )
    deliveries: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # the parsed event
    raw_body: Mapped[bytes | None] = mapped_column(LargeBinary)  # kept for rejected bodies
    detail: Mapped[str | None] = mapped_column(Text)  # what processing made of it
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
