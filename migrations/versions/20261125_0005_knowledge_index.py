"""knowledge index: the embedding model behind a tenant's vectors, re-embedding, scheduled re-checks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 19:50:00.000000
"""

from collections.abc import Sequence

import pgvector.sqlalchemy
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX_STATE = postgresql.ENUM("ready", "building", "failed", name="knowledge_index_state")


def upgrade() -> None:
    op.create_table(
        "knowledge_index",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("endpoint", sa.String(length=2100), nullable=True),
        sa.Column("provider_id", sa.Uuid(), nullable=True),
        sa.Column("state", INDEX_STATE, nullable=False),
        sa.Column("target_model", sa.String(length=200), nullable=True),
        sa.Column("target_endpoint", sa.String(length=2100), nullable=True),
        sa.Column("target_provider_id", sa.Uuid(), nullable=True),
        sa.Column("chunks_total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("chunks_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["ai_provider.id"],
            name=op.f("fk_knowledge_index_provider_id_ai_provider"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_provider_id"],
            ["ai_provider.id"],
            name=op.f("fk_knowledge_index_target_provider_id_ai_provider"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_knowledge_index_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_knowledge_index")),
    )
    op.add_column(
        "chunk",
        sa.Column("pending_embedding", pgvector.sqlalchemy.vector.VECTOR(dim=384), nullable=True),
    )
    op.add_column("document", sa.Column("content_sha256", sa.String(length=64), nullable=True))
    op.add_column("document", sa.Column("recheck_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_document_recheck_at",
        "document",
        ["recheck_at"],
        unique=False,
        postgresql_where="recheck_at IS NOT NULL",
    )
    # What was indexed so far came from the uploaded bytes (pages: unknown until fetched again).
    op.execute("UPDATE document SET content_sha256 = sha256 WHERE source_kind <> 'url'")


def downgrade() -> None:
    op.drop_index(
        "ix_document_recheck_at", table_name="document", postgresql_where="recheck_at IS NOT NULL"
    )
    op.drop_column("document", "recheck_at")
    op.drop_column("document", "content_sha256")
    op.drop_column("chunk", "pending_embedding")
    op.drop_table("knowledge_index")
    INDEX_STATE.drop(op.get_bind(), checkfirst=False)
