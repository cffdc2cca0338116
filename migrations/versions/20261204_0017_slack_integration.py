"""slack integration: a workspace's Slack target for notifications

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 20:00:00.000000

One row per workspace: an incoming webhook (the URL is the secret) or a bot token and a channel,
the secret encrypted, which notifications are on, and how the last delivery went.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    kind = sa.Enum("webhook", "bot", name="slack_kind")
    op.create_table(
        "slack_integration",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", kind, nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("secret_last_four", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=80), nullable=True),
        sa.Column("notify_handoffs", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("notify_sync_failures", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("last_delivery_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_delivery_ok", sa.Boolean(), nullable=True),
        sa.Column("last_delivery_error", sa.Text(), nullable=True),
        sa.Column("configured_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["configured_by"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id"),
    )


def downgrade() -> None:
    op.drop_table("slack_integration")
    sa.Enum(name="slack_kind").drop(op.get_bind(), checkfirst=True)
