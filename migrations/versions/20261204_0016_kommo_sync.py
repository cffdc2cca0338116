"""kommo sync: the account's pipelines, statuses, custom fields, users and sources, and the runs

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-04 19:45:00.000000

Each copied row is unique per (tenant, Kommo id) (statuses per pipeline too: 142 and 143 are in
every pipeline). `kommo_sync_run` is durable work (`core.work`) with one waiting or running run
per tenant and kind (a partial unique index).
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENUMS = ("kommo_sync_kind", "kommo_sync_status", "kommo_sync_reason", "kommo_field_entity")


def _timestamps() -> list[Any]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def _owned() -> list[Any]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("kommo_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        *_timestamps(),
    ]


def upgrade() -> None:
    kind = sa.Enum("pipelines", "custom_fields", "users", "sources", name="kommo_sync_kind")
    status = sa.Enum("queued", "running", "done", "failed", name="kommo_sync_status")
    reason = sa.Enum("manual", "schedule", "connect", name="kommo_sync_reason")
    entity = sa.Enum("leads", "contacts", "companies", name="kommo_field_entity")
    op.create_table(
        "kommo_sync_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", kind, nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("reason", reason, nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("deleted_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("progress_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_kommo_sync_run_tenant_id_created_at", "kommo_sync_run", ["tenant_id", "created_at"]
    )
    op.create_index(
        "uq_kommo_sync_run_active",
        "kommo_sync_run",
        ["tenant_id", "kind"],
        unique=True,
        postgresql_where="status IN ('queued', 'running')",
    )
    op.create_table(
        "kommo_pipeline",
        *_owned(),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("is_main", sa.Boolean(), nullable=False),
        sa.Column("is_archive", sa.Boolean(), nullable=False),
        sa.Column("is_unsorted_on", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("tenant_id", "kommo_id"),
    )
    op.create_table(
        "kommo_status",
        *_owned(),
        sa.Column("pipeline_id", sa.Uuid(), nullable=False),
        sa.Column("kommo_pipeline_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("color", sa.String(length=32), nullable=True),
        sa.Column("type", sa.Integer(), nullable=False),
        sa.Column("is_editable", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["pipeline_id"], ["kommo_pipeline.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("tenant_id", "kommo_pipeline_id", "kommo_id"),
    )
    op.create_index("ix_kommo_status_pipeline_id", "kommo_status", ["pipeline_id"])
    op.create_table(
        "kommo_custom_field",
        *_owned(),
        sa.Column("entity_type", entity, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=255), nullable=True),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("is_api_only", sa.Boolean(), nullable=False),
        sa.Column("is_predefined", sa.Boolean(), nullable=False),
        sa.Column("is_deletable", sa.Boolean(), nullable=False),
        sa.Column("group_id", sa.String(length=255), nullable=True),
        sa.Column("enums", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.UniqueConstraint("tenant_id", "kommo_id"),
    )
    op.create_table(
        "kommo_user",
        *_owned(),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("lang", sa.String(length=16), nullable=True),
        sa.Column("amojo_id", sa.String(length=64), nullable=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("rights", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.UniqueConstraint("tenant_id", "kommo_id"),
    )
    op.create_table(
        "kommo_source",
        *_owned(),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("kommo_pipeline_id", sa.BigInteger(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("origin_code", sa.String(length=255), nullable=True),
        sa.Column("services", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.UniqueConstraint("tenant_id", "kommo_id"),
    )


def downgrade() -> None:
    for table in (
        "kommo_source",
        "kommo_user",
        "kommo_custom_field",
        "kommo_status",
        "kommo_pipeline",
        "kommo_sync_run",
    ):
        op.drop_table(table)
    for name in ENUMS:
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
