"""What was sent to Kommo on an agent's behalf, one row per idempotency key."""

from __future__ import annotations

import enum
import uuid
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.core.db import Base, IdMixin, TimestampMixin, value_enum


class ActionOutcome(enum.StrEnum):
    pending = "pending"  # being sent (the row is locked meanwhile)
    done = "done"
    failed = "failed"  # a later run with the same key tries again


class KommoAction(IdMixin, TimestampMixin, Base):
    __tablename__ = "kommo_action"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    lead_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))  # the chat domain's ActionKind
    idempotency_key: Mapped[str] = mapped_column(String(200))
    # Exactly what was sent: {"method", "path", "json"}; and what Kommo answered.
    request: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    response: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    outcome: Mapped[ActionOutcome] = mapped_column(
        value_enum(ActionOutcome, "kommo_action_outcome")
    )
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key", name="uq_kommo_action_key"),
        Index("ix_kommo_action_tenant_id_lead_id", "tenant_id", "lead_id"),
    )
