"""kommo connection: the Kommo account a workspace is connected to

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:20:00.000000

One row per workspace: the account (id, subdomain, host, Chats API id), the tokens encrypted, the
secret of our webhook URL (encrypted, and hashed to find the row a delivery is for) and status.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    status = sa.Enum("connected", "reconnect_required", name="kommo_connection_status")
    auth_kind = sa.Enum("oauth", "long_lived", name="kommo_auth_kind")
    op.create_table(
        "kommo_connection",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("auth_kind", auth_kind, nullable=False),
        sa.Column("base_url", sa.String(length=255), nullable=False),
        sa.Column("subdomain", sa.String(length=255), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("amojo_id", sa.String(length=64), nullable=True),
        sa.Column("access_token_encrypted", sa.Text(), nullable=False),
        sa.Column("refresh_token_encrypted", sa.Text(), nullable=True),
        sa.Column("access_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("webhook_token_encrypted", sa.Text(), nullable=False),
        sa.Column("webhook_token_hash", sa.String(length=64), nullable=False),
        sa.Column("webhooks_registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("connected_by", sa.Uuid(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["connected_by"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id"),
        sa.UniqueConstraint("webhook_token_hash"),
    )
    op.create_index("ix_kommo_connection_account_id", "kommo_connection", ["account_id"])


def downgrade() -> None:
    op.drop_table("kommo_connection")
    sa.Enum(name="kommo_auth_kind").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="kommo_connection_status").drop(op.get_bind(), checkfirst=True)
