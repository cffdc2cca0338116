"""automation: rules and sequences (with revisions), rule runs, enrolments, due sequence steps
(durable work rows) and the actions taken

Revision ID: 0019
Revises: 0020 (written beside 0020, applied after it)
Create Date: 2026-12-04 20:00:00.000000

Rules and sequences keep their whole definition after each change as revisions; a lead has at
most one live (active or paused) enrolment of a sequence (a partial unique index); the next step
of an enrolment is a `core.work` row claimed when due; `automation_action` holds each action's
idempotency key (unique per workspace), what the hourly caps count, and the effect loop safety
compares events with.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", _TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _TS, server_default=sa.func.now(), nullable=False),
    ]


def _revision_table(name: str, parent: str, parent_column: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column(parent_column, sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("changed_fields", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.String(length=200), server_default="", nullable=False),
        sa.Column("created_at", _TS, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint([parent_column], [f"{parent}.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        f"uq_{name}_{parent_column}_version", name, [parent_column, "version"], unique=True
    )


def upgrade() -> None:
    jsonb = postgresql.JSONB(astext_type=sa.Text())
    run_outcome = sa.Enum("matched", "not_matched", "skipped", name="automation_run_outcome")
    enrolment_status = sa.Enum(
        "active", "paused", "completed", "exited", "stopped", name="sequence_enrolment_status"
    )
    step_status = sa.Enum(
        "scheduled",
        "running",
        "done",
        "paused",
        "cancelled",
        "failed",
        name="sequence_step_status",
    )

    op.create_table(
        "automation_rule",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("priority", sa.Integer(), server_default="100", nullable=False),
        sa.Column("stop_processing", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("trigger_kind", sa.String(length=32), nullable=False),
        sa.Column("trigger", jsonb, nullable=False),
        sa.Column("conditions", jsonb, nullable=False),
        sa.Column("actions", jsonb, nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_automation_rule_tenant_id_trigger_kind",
        "automation_rule",
        ["tenant_id", "trigger_kind"],
    )
    _revision_table("automation_rule_revision", "automation_rule", "rule_id")

    op.create_table(
        "automation_sequence",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("paused", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("steps", jsonb, nullable=False),
        sa.Column("exit_on", jsonb, nullable=False),
        sa.Column("working_hours", jsonb, nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_automation_sequence_tenant_id_name", "automation_sequence", ["tenant_id", "name"]
    )
    _revision_table("automation_sequence_revision", "automation_sequence", "sequence_id")

    op.create_table(
        "automation_rule_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("event_kind", sa.String(length=32), nullable=False),
        sa.Column("lead_id", sa.BigInteger(), nullable=True),
        sa.Column("source_event_id", sa.String(length=200), nullable=True),
        sa.Column("event", jsonb, nullable=False),
        sa.Column("outcome", run_outcome, nullable=False),
        sa.Column("conditions", jsonb, nullable=False),
        sa.Column("actions", jsonb, nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", _TS, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rule_id"], ["automation_rule.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_automation_rule_run_tenant_id_created_at",
        "automation_rule_run",
        ["tenant_id", "created_at"],
    )
    op.create_index(
        "ix_automation_rule_run_rule_id_created_at",
        "automation_rule_run",
        ["rule_id", "created_at"],
    )
    op.create_index(
        "ix_automation_rule_run_tenant_id_lead_id", "automation_rule_run", ["tenant_id", "lead_id"]
    )
    op.create_index(
        "uq_automation_rule_run_rule_id_source_event_id",
        "automation_rule_run",
        ["rule_id", "source_event_id"],
        unique=True,
        postgresql_where=sa.text("source_event_id IS NOT NULL"),
    )

    op.create_table(
        "sequence_enrolment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("sequence_id", sa.Uuid(), nullable=False),
        sa.Column("sequence_version", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.BigInteger(), nullable=False),
        sa.Column("status", enrolment_status, server_default="active", nullable=False),
        sa.Column("context", jsonb, server_default="{}", nullable=False),
        sa.Column("current_step", sa.Integer(), server_default="0", nullable=False),
        sa.Column("enrolled_by", sa.String(length=100), nullable=False),
        sa.Column("exit_reason", sa.Text(), nullable=True),
        sa.Column("finished_at", _TS, nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sequence_id"], ["automation_sequence.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_sequence_enrolment_tenant_id_lead_id", "sequence_enrolment", ["tenant_id", "lead_id"]
    )
    op.create_index("ix_sequence_enrolment_sequence_id", "sequence_enrolment", ["sequence_id"])
    op.create_index(
        "uq_sequence_enrolment_sequence_id_lead_id_live",
        "sequence_enrolment",
        ["sequence_id", "lead_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('active', 'paused')"),
    )

    op.create_table(
        "sequence_step",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("sequence_id", sa.Uuid(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("due_at", _TS, nullable=False),
        sa.Column("status", step_status, server_default="scheduled", nullable=False),
        sa.Column("results", jsonb, nullable=False),
        sa.Column("started_at", _TS, nullable=True),
        sa.Column("finished_at", _TS, nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("heartbeat_at", _TS, nullable=True),
        sa.Column("next_attempt_at", _TS, nullable=True),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["enrolment_id"], ["sequence_enrolment.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sequence_id"], ["automation_sequence.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_sequence_step_enrolment_id_step_index",
        "sequence_step",
        ["enrolment_id", "step_index"],
        unique=True,
    )
    op.create_index(
        "ix_sequence_step_status_next_attempt_at", "sequence_step", ["status", "next_attempt_at"]
    )
    op.create_index(
        "ix_sequence_step_sequence_id_status", "sequence_step", ["sequence_id", "status"]
    )

    op.create_table(
        "automation_action",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("lead_id", sa.BigInteger(), nullable=True),
        sa.Column("rule_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("effect", jsonb, nullable=True),
        sa.Column("created_at", _TS, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_automation_action_tenant_id_key", "automation_action", ["tenant_id", "key"], unique=True
    )
    op.create_index(
        "ix_automation_action_tenant_id_created_at",
        "automation_action",
        ["tenant_id", "created_at"],
    )
    op.create_index(
        "ix_automation_action_tenant_id_lead_id_created_at",
        "automation_action",
        ["tenant_id", "lead_id", "created_at"],
    )


def downgrade() -> None:
    for table in (
        "automation_action",
        "sequence_step",
        "sequence_enrolment",
        "automation_rule_run",
        "automation_sequence_revision",
        "automation_sequence",
        "automation_rule_revision",
        "automation_rule",
    ):
        op.drop_table(table)
    for name in ("sequence_step_status", "sequence_enrolment_status", "automation_run_outcome"):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
