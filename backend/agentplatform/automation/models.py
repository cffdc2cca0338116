"""Rules and sequences (each versioned by revisions), rule runs, enrolments, the due steps of
sequences (durable work rows) and the actions taken (idempotency keys, caps, loop safety)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from agentplatform.core.db import Base, IdMixin, TimestampMixin, utcnow, value_enum
from agentplatform.core.work import WorkMixin


class RunOutcome(enum.StrEnum):
    matched = "matched"  # every condition held; the actions ran
    not_matched = "not_matched"  # a condition did not hold
    skipped = "skipped"  # loop safety: the event was this rule's own action coming back


class EnrolmentStatus(enum.StrEnum):
    active = "active"
    paused = "paused"
    completed = "completed"  # every step ran
    exited = "exited"  # an exit condition held (a reply, a stage change, a tag)
    stopped = "stopped"  # stopped by a person or a rule


class StepStatus(enum.StrEnum):
    scheduled = "scheduled"  # waits for its time (the queue of `core.work`)
    running = "running"  # claimed: its job runs (or is about to)
    done = "done"
    paused = "paused"  # its enrolment or sequence is paused
    cancelled = "cancelled"  # its enrolment ended before it ran
    failed = "failed"


class AutomationRule(IdMixin, TimestampMixin, Base):
    __tablename__ = "automation_rule"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    priority: Mapped[int] = mapped_column(Integer, default=100, server_default="100")
    stop_processing: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    trigger_kind: Mapped[str] = mapped_column(String(32))
    trigger: Mapped[dict[str, Any]] = mapped_column(JSONB)
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (
        Index("ix_automation_rule_tenant_id_trigger_kind", "tenant_id", "trigger_kind"),
    )


class AutomationRuleRevision(IdMixin, Base):
    """A rule's whole definition after each change."""

    __tablename__ = "automation_rule_revision"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    rule_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("automation_rule.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    changed_fields: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow
    )

    __table_args__ = (
        Index("uq_automation_rule_revision_rule_id_version", "rule_id", "version", unique=True),
    )


class AutomationSequence(IdMixin, TimestampMixin, Base):
    __tablename__ = "automation_sequence"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    exit_on: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    working_hours: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (Index("ix_automation_sequence_tenant_id_name", "tenant_id", "name"),)


class AutomationSequenceRevision(IdMixin, Base):
    __tablename__ = "automation_sequence_revision"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    sequence_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("automation_sequence.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    changed_fields: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow
    )

    __table_args__ = (
        Index(
            "uq_automation_sequence_revision_sequence_id_version",
            "sequence_id",
            "version",
            unique=True,
        ),
    )


class RuleRun(IdMixin, Base):
    """One rule evaluated for one event: each condition's outcome, each action's result."""

    __tablename__ = "automation_rule_run"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    rule_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("automation_rule.id", ondelete="CASCADE"))
    rule_version: Mapped[int] = mapped_column(Integer)
    event_kind: Mapped[str] = mapped_column(String(32))
    lead_id: Mapped[int | None] = mapped_column(BigInteger)
    source_event_id: Mapped[str | None] = mapped_column(String(200))
    event: Mapped[dict[str, Any]] = mapped_column(JSONB)
    outcome: Mapped[RunOutcome] = mapped_column(value_enum(RunOutcome, "automation_run_outcome"))
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow
    )

    __table_args__ = (
        Index("ix_automation_rule_run_tenant_id_created_at", "tenant_id", "created_at"),
        Index("ix_automation_rule_run_rule_id_created_at", "rule_id", "created_at"),
        Index("ix_automation_rule_run_tenant_id_lead_id", "tenant_id", "lead_id"),
        # A re-delivered event runs a rule once.
        Index(
            "uq_automation_rule_run_rule_id_source_event_id",
            "rule_id",
            "source_event_id",
            unique=True,
            postgresql_where=text("source_event_id IS NOT NULL"),
        ),
    )


class SequenceEnrolment(IdMixin, TimestampMixin, Base):
    __tablename__ = "sequence_enrolment"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    sequence_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("automation_sequence.id", ondelete="CASCADE")
    )
    sequence_version: Mapped[int] = mapped_column(Integer)
    lead_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[EnrolmentStatus] = mapped_column(
        value_enum(EnrolmentStatus, "sequence_enrolment_status"),
        default=EnrolmentStatus.active,
        server_default=EnrolmentStatus.active.value,
    )
    # What the step templates read: {"lead": {"id": ..., "name": ...}, "fields": {...}}.
    context: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    current_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    enrolled_by: Mapped[str] = mapped_column(String(100))
    exit_reason: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_sequence_enrolment_tenant_id_lead_id", "tenant_id", "lead_id"),
        Index("ix_sequence_enrolment_sequence_id", "sequence_id"),
        # At most one enrolment of a sequence per lead is under way.
        Index(
            "uq_sequence_enrolment_sequence_id_lead_id_live",
            "sequence_id",
            "lead_id",
            unique=True,
            postgresql_where=text("status IN ('active', 'paused')"),
        ),
    )


class SequenceStep(IdMixin, TimestampMixin, WorkMixin, Base):
    """The next step of an enrolment, due at `due_at` (`next_attempt_at` is when it may be
    claimed: the due time, or a retry's backoff)."""

    __tablename__ = "sequence_step"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sequence_enrolment.id", ondelete="CASCADE")
    )
    sequence_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("automation_sequence.id", ondelete="CASCADE")
    )
    step_index: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[StepStatus] = mapped_column(
        value_enum(StepStatus, "sequence_step_status"),
        default=StepStatus.scheduled,
        server_default=StepStatus.scheduled.value,
    )
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index(
            "uq_sequence_step_enrolment_id_step_index", "enrolment_id", "step_index", unique=True
        ),
        Index("ix_sequence_step_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_sequence_step_sequence_id_status", "sequence_id", "status"),
    )


class AutomationAction(IdMixin, Base):
    """An action taken (or begun) under its idempotency key: a rule run's or a step's action
    runs once per key; the rows of the last hour are what the caps count; `effect` is the
    trigger the action may cause in the CRM, so that its echo does not trigger its rule."""

    __tablename__ = "automation_action"

    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    lead_id: Mapped[int | None] = mapped_column(BigInteger)
    rule_id: Mapped[uuid.UUID | None] = mapped_column()
    kind: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(32))  # "started" until it has a result
    effect: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow
    )

    __table_args__ = (
        Index("uq_automation_action_tenant_id_key", "tenant_id", "key", unique=True),
        Index("ix_automation_action_tenant_id_created_at", "tenant_id", "created_at"),
        Index(
            "ix_automation_action_tenant_id_lead_id_created_at",
            "tenant_id",
            "lead_id",
            "created_at",
        ),
    )
