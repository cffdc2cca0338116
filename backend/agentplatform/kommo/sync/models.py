"""What a sync copies from Kommo (one row per tenant and Kommo id), and the runs themselves.

A status id is unique only inside its pipeline (Kommo's won 142 and lost 143 are in every
pipeline), so statuses are unique per (tenant, pipeline, Kommo id). Pipelines, fields, users
and sources have account-wide ids.
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
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.core.db import Base, IdMixin, TimestampMixin, value_enum
from agentplatform.core.work import WorkMixin


class SyncKind(enum.StrEnum):
    pipelines = "pipelines"  # with their statuses
    custom_fields = "custom_fields"
    users = "users"
    sources = "sources"


ALL_KINDS: tuple[SyncKind, ...] = tuple(SyncKind)


class SyncStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


ACTIVE_STATUSES = (SyncStatus.queued, SyncStatus.running)


class SyncReason(enum.StrEnum):
    manual = "manual"
    schedule = "schedule"
    connect = "connect"


class FieldEntity(enum.StrEnum):
    leads = "leads"
    contacts = "contacts"
    companies = "companies"


class KommoSyncRun(IdMixin, TimestampMixin, WorkMixin, Base):
    __tablename__ = "kommo_sync_run"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    kind: Mapped[SyncKind] = mapped_column(value_enum(SyncKind, "kommo_sync_kind"))
    status: Mapped[SyncStatus] = mapped_column(value_enum(SyncStatus, "kommo_sync_status"))
    reason: Mapped[SyncReason] = mapped_column(value_enum(SyncReason, "kommo_sync_reason"))
    requested_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    deleted_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress_total: Mapped[int | None] = mapped_column(Integer)  # None until Kommo told us

    __table_args__ = (
        Index("ix_kommo_sync_run_tenant_id_created_at", "tenant_id", "created_at"),
        # One waiting or running run per tenant and kind: a second request joins it.
        Index(
            "uq_kommo_sync_run_active",
            "tenant_id",
            "kind",
            unique=True,
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
    )


class KommoPipeline(IdMixin, TimestampMixin, Base):
    __tablename__ = "kommo_pipeline"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    kommo_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(255))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    is_main: Mapped[bool] = mapped_column(Boolean, default=False)
    is_archive: Mapped[bool] = mapped_column(Boolean, default=False)
    is_unsorted_on: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("tenant_id", "kommo_id"),)


class KommoStatus(IdMixin, TimestampMixin, Base):
    __tablename__ = "kommo_status"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    pipeline_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("kommo_pipeline.id", ondelete="CASCADE"), index=True
    )
    kommo_pipeline_id: Mapped[int] = mapped_column(BigInteger)
    kommo_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(255))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    color: Mapped[str | None] = mapped_column(String(32))
    type: Mapped[int] = mapped_column(Integer, default=0)  # 0 normal, 1 incoming (unsorted)
    is_editable: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("tenant_id", "kommo_pipeline_id", "kommo_id"),)


class KommoCustomField(IdMixin, TimestampMixin, Base):
    __tablename__ = "kommo_custom_field"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    kommo_id: Mapped[int] = mapped_column(BigInteger)
    entity_type: Mapped[FieldEntity] = mapped_column(value_enum(FieldEntity, "kommo_field_entity"))
    name: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(64))
    code: Mapped[str | None] = mapped_column(String(255))
    sort: Mapped[int] = mapped_column(Integer, default=0)
    is_api_only: Mapped[bool] = mapped_column(Boolean, default=False)
    is_predefined: Mapped[bool] = mapped_column(Boolean, default=False)
    is_deletable: Mapped[bool] = mapped_column(Boolean, default=True)
    group_id: Mapped[str | None] = mapped_column(String(255))
    # [{"id", "value", "sort"}] for select, multiselect, radio and multitext fields; else None.
    enums: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)

    __table_args__ = (UniqueConstraint("tenant_id", "kommo_id"),)


class KommoUser(IdMixin, TimestampMixin, Base):
    __tablename__ = "kommo_user"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    kommo_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    lang: Mapped[str | None] = mapped_column(String(16))
    amojo_id: Mapped[str | None] = mapped_column(String(64))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The rights that matter to us, as Kommo names them (`is_admin`, `is_free`, `is_active`,
    # `group_id`, `role_id`, and the per-entity access for leads, contacts, companies, tasks).
    rights: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)

    __table_args__ = (UniqueConstraint("tenant_id", "kommo_id"),)


class KommoSource(IdMixin, TimestampMixin, Base):
    """A source of incoming leads: an integration's chat channel or form, as Kommo lists it."""

    __tablename__ = "kommo_source"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    kommo_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(255))
    external_id: Mapped[str] = mapped_column(String(255))
    kommo_pipeline_id: Mapped[int | None] = mapped_column(BigInteger)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    origin_code: Mapped[str | None] = mapped_column(String(255))
    # [{"type": "whatsapp", "params": {...}, "pages": [...]}]: the channels behind the source.
    services: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)

    __table_args__ = (UniqueConstraint("tenant_id", "kommo_id"),)
