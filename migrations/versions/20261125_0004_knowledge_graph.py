"""knowledge graph: entities, relations and mentions per document, extraction state

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 19:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTITY_TYPES = (
    "person",
    "organization",
    "product",
    "place",
    "price",
    "email",
    "phone",
    "url",
    "other",
)


def _timestamps() -> list[sa.Column[object]]:
    return [
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
    ]


def upgrade() -> None:
    op.create_table(
        "graph_entity",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.Enum(*ENTITY_TYPES, name="graph_entity_type"), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_graph_entity_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graph_entity")),
        sa.UniqueConstraint(
            "tenant_id", "key", "type", name=op.f("uq_graph_entity_tenant_id_key_type")
        ),
    )
    op.create_index(
        "ix_graph_entity_name_trgm",
        "graph_entity",
        ["name"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )

    op.create_table(
        "graph_relation",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("chunk_id", sa.Uuid(), nullable=True),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("predicate", sa.String(length=100), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=True),
        sa.Column("object_value", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "(object_id IS NULL) <> (object_value IS NULL)",
            name=op.f("ck_graph_relation_object_entity_or_value"),
        ),
        sa.ForeignKeyConstraint(
            ["chunk_id"],
            ["chunk.id"],
            name=op.f("fk_graph_relation_chunk_id_chunk"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_graph_relation_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["graph_entity.id"],
            name=op.f("fk_graph_relation_object_id_graph_entity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["graph_entity.id"],
            name=op.f("fk_graph_relation_subject_id_graph_entity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_graph_relation_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graph_relation")),
    )
    op.create_index(
        op.f("ix_graph_relation_chunk_id"), "graph_relation", ["chunk_id"], unique=False
    )
    op.create_index(
        "ix_graph_relation_document_id", "graph_relation", ["document_id"], unique=False
    )
    op.create_index(
        "ix_graph_relation_tenant_id_object_id",
        "graph_relation",
        ["tenant_id", "object_id"],
        unique=False,
    )
    op.create_index(
        "ix_graph_relation_tenant_id_subject_id",
        "graph_relation",
        ["tenant_id", "subject_id"],
        unique=False,
    )

    op.create_table(
        "graph_mention",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("chunk_id", sa.Uuid(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chunk_id"],
            ["chunk.id"],
            name=op.f("fk_graph_mention_chunk_id_chunk"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_graph_mention_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["graph_entity.id"],
            name=op.f("fk_graph_mention_entity_id_graph_entity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_graph_mention_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graph_mention")),
    )
    op.create_index(op.f("ix_graph_mention_chunk_id"), "graph_mention", ["chunk_id"], unique=False)
    op.create_index("ix_graph_mention_document_id", "graph_mention", ["document_id"], unique=False)
    op.create_index("ix_graph_mention_entity_id", "graph_mention", ["entity_id"], unique=False)

    op.create_table(
        "graph_extraction",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "running", "ready", "failed", name="graph_extraction_status"),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("extractor", sa.String(length=200), nullable=True),
        sa.Column("entity_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("relation_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("mention_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_graph_extraction_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name=op.f("fk_graph_extraction_tenant_id_tenant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_graph_extraction")),
    )
    op.create_index("ix_graph_extraction_status", "graph_extraction", ["status"], unique=False)
    op.create_index(
        "ix_graph_extraction_tenant_id_status",
        "graph_extraction",
        ["tenant_id", "status"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("graph_extraction")
    op.drop_table("graph_mention")
    op.drop_table("graph_relation")
    op.drop_index("ix_graph_entity_name_trgm", table_name="graph_entity", postgresql_using="gin")
    op.drop_table("graph_entity")
    for name in ("graph_extraction_status", "graph_entity_type"):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
