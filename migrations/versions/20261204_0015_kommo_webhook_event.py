"""kommo webhook event: every webhook event received, stored once and processed once

Revision ID: 0015
Revises: 0018 (written beside 0016-0018, applied after them)
Create Date: 2026-12-04 19:30:00.000000

One row per event, unique per tenant by its dedup key (kind, entity, version), a row that is work
(`core.work`). The connection learns who "we" are in the account (the user our token acts as,
and its Chats API id: our own changes and messages never wake the agent) and how far the
reconciliation with Kommo's events log has read.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("received", "processing", "processed", "failed", "ignored", "rejected")


def upgrade() -> None:
    op.add_column("kommo_connection", sa.Column("user_id", sa.BigInteger(), nullable=True))
    op.add_column(
        "kommo_connection", sa.Column("user_amojo_id", sa.String(length=64), nullable=True)
    )
    op.add_column("kommo_connection", sa.Column("events_cursor", sa.BigInteger(), nullable=True))
    status = sa.Enum(*STATUSES, name="kommo_webhook_event_status")
    op.create_table(
        "kommo_webhook_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("connection_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("dedup_key", sa.String(length=255), nullable=False),
        sa.Column("own", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("deliveries", sa.Integer(), server_default="1", nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("raw_body", sa.LargeBinary(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["connection_id"], ["kommo_connection.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "dedup_key"),
    )
    op.create_index(
        "ix_kommo_webhook_event_connection_id", "kommo_webhook_event", ["connection_id"]
    )
    op.create_index(
        "ix_kommo_webhook_event_tenant_id_received_at",
        "kommo_webhook_event",
        ["tenant_id", "received_at"],
    )
    op.create_index(
        "ix_kommo_webhook_event_status_updated_at", "kommo_webhook_event", ["status", "updated_at"]
    )


def downgrade() -> None:
    op.drop_table("kommo_webhook_event")
    sa.Enum(name="kommo_webhook_event_status").drop(op.get_bind(), checkfirst=True)
    op.drop_column("kommo_connection", "events_cursor")
    op.drop_column("kommo_connection", "user_amojo_id")
    op.drop_column("kommo_connection", "user_id")
