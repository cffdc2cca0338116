"""contact memory: facts about a contact, embedded, with importance, recency and history

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from pgvector.sqlalchemy import Vector

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_memory",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("importance", sa.Float(), server_default="0.5", nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "superseded", name="memory_status"),
            server_default="active",
            nullable=False,
        ),
        sa.Column("superseded_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "origin", sa.Enum("conversation", "manual", name="memory_origin"), nullable=False
        ),
        sa.Column("conversation_id", sa.Uuid(), nullable=True),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.Column("embedding", Vector(384), nullable=False),
        sa.Column("times_seen", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "last_seen_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name="fk_contact_memory_tenant_id_tenant",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name="fk_contact_memory_contact_id_contact",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["contact_memory.id"],
            name="fk_contact_memory_superseded_by_id_contact_memory",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name="fk_contact_memory_conversation_id_conversation",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
            name="fk_contact_memory_message_id_message",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contact_memory"),
    )
    op.create_index(
        "ix_contact_memory_contact_id_status", "contact_memory", ["contact_id", "status"]
    )
    op.create_index("ix_contact_memory_tenant_id", "contact_memory", ["tenant_id"])


def downgrade() -> None:
    op.drop_table("contact_memory")
    for name in ("memory_origin", "memory_status"):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
