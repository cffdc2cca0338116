"""agents and ai: agents with revisions, AI providers, settings and usage

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:40:50.742576
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ai_provider",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("openai", "openrouter", "compatible", name="provider_kind"),
            nullable=False,
        ),
        sa.Column("base_url", sa.String(length=500), nullable=False),
        sa.Column("api_key_encrypted", sa.Text(), nullable=True),
        sa.Column("api_key_last_four", sa.String(length=4), server_default="", nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_ai_provider_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_provider")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_ai_provider_tenant_id_name")),
    )
    op.create_index(op.f("ix_ai_provider_tenant_id"), "ai_provider", ["tenant_id"], unique=False)
    op.create_table(
        "agent",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "active", "paused", name="agent_status"),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("instructions", sa.Text(), server_default="", nullable=False),
        sa.Column("greeting", sa.Text(), server_default="", nullable=False),
        sa.Column("language", sa.String(length=35), server_default="en", nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("temperature", sa.Float(), server_default="0.3", nullable=False),
        sa.Column("max_output_tokens", sa.Integer(), server_default="1024", nullable=False),
        sa.Column(
            "tools", postgresql.ARRAY(sa.String(length=64)), server_default="{}", nullable=False
        ),
        sa.Column(
            "knowledge",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column(
            "kommo", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("working_hours", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["ai_provider.id"],
            name=op.f("fk_agent_provider_id_ai_provider"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name=op.f("fk_agent_tenant_id_tenant"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent")),
    )
    op.create_index("ix_agent_tenant_id_name", "agent", ["tenant_id", "name"], unique=False)
    op.create_table(
        "ai_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("chat_provider_id", sa.Uuid(), nullable=True),
        sa.Column("chat_model", sa.String(length=200), nullable=True),
        sa.Column("embedding_provider_id", sa.Uuid(), nullable=True),
        sa.Column("embedding_model", sa.String(length=200), nullable=True),
        sa.Column("monthly_token_budget", sa.BigInteger(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["chat_provider_id"],
            ["ai_provider.id"],
            name=op.f("fk_ai_settings_chat_provider_id_ai_provider"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["embedding_provider_id"],
            ["ai_provider.id"],
            name=op.f("fk_ai_settings_embedding_provider_id_ai_provider"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_ai_settings_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_ai_settings")),
    )
    op.create_table(
        "agent_revision",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("agent_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("changed_fields", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=200), server_default="", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_agent_revision_agent_id_agent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_agent_revision_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_revision")),
    )
    op.create_index(
        "uq_agent_revision_agent_id_version", "agent_revision", ["agent_id", "version"], unique=True
    )
    op.create_table(
        "ai_usage",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("agent_id", sa.Uuid(), nullable=True),
        sa.Column(
            "operation", sa.Enum("chat", "embedding", name="usage_operation"), nullable=False
        ),
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("tokens_in", sa.Integer(), nullable=False),
        sa.Column("tokens_out", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agent.id"], name=op.f("fk_ai_usage_agent_id_agent"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_ai_usage_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_usage")),
    )
    op.create_index(op.f("ix_ai_usage_agent_id"), "ai_usage", ["agent_id"], unique=False)
    op.create_index(
        "ix_ai_usage_tenant_id_created_at", "ai_usage", ["tenant_id", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_ai_usage_tenant_id_created_at", table_name="ai_usage")
    op.drop_index(op.f("ix_ai_usage_agent_id"), table_name="ai_usage")
    op.drop_table("ai_usage")
    op.drop_index("uq_agent_revision_agent_id_version", table_name="agent_revision")
    op.drop_table("agent_revision")
    op.drop_table("ai_settings")
    op.drop_index("ix_agent_tenant_id_name", table_name="agent")
    op.drop_table("agent")
    op.drop_index(op.f("ix_ai_provider_tenant_id"), table_name="ai_provider")
    op.drop_table("ai_provider")
    for name in ("usage_operation", "agent_status", "provider_kind"):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
