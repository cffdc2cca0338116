"""kommo actions: what agents sent to Kommo, once per idempotency key; salesbot replies

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 20:00:00.000000

`kommo_action`: one row per idempotency key (a message's tool call, a reply) with the request
sent, Kommo's answer and the outcome. The connection gains the salesbot and lead field replies
go through when the integration has no Chats API channel of its own.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    outcome = sa.Enum("pending", "done", "failed", name="kommo_action_outcome")
    op.create_table(
        "kommo_action",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column(
            "request", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "response", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("outcome", outcome, nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "idempotency_key", name="uq_kommo_action_key"),
    )
    op.create_index("ix_kommo_action_tenant_id_lead_id", "kommo_action", ["tenant_id", "lead_id"])
    op.add_column("kommo_connection", sa.Column("reply_salesbot_id", sa.BigInteger()))
    op.add_column("kommo_connection", sa.Column("reply_field_id", sa.BigInteger()))


def downgrade() -> None:
    op.drop_column("kommo_connection", "reply_field_id")
    op.drop_column("kommo_connection", "reply_salesbot_id")
    op.drop_index("ix_kommo_action_tenant_id_lead_id", table_name="kommo_action")
    op.drop_table("kommo_action")
    sa.Enum(name="kommo_action_outcome").drop(op.get_bind(), checkfirst=True)
