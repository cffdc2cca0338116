"""Sequences: create, change (every change a revision; a lead enrolled keeps the version it was
enrolled in), pause and resume, delete, revisions, and their enrolments."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.automation import enrolments
from agentplatform.automation.actions import template_values
from agentplatform.automation.definitions import changed_fields, check_sequences, stored_actions
from agentplatform.automation.models import (
    AutomationSequence,
    AutomationSequenceRevision,
    EnrolmentStatus,
    SequenceEnrolment,
    SequenceStep,
)
from agentplatform.automation.schemas import EnrolmentCreate, SequenceCreate, SequenceUpdate, Step
from agentplatform.core.errors import Conflict, FieldError, ValidationFailed
from agentplatform.core.pagination import PageParams, paginate
from agentplatform.core.scoped import get_scoped, get_scoped_where, scoped
from agentplatform.core.settings import Settings

FIELDS = ("name", "description", "steps", "exit_on", "working_hours")


def snapshot_of(sequence: AutomationSequence) -> dict[str, Any]:
    return {name: getattr(sequence, name) for name in FIELDS}


async def _record(
    session: AsyncSession,
    sequence: AutomationSequence,
    changed: list[str],
    actor: str,
    note: str = "",
) -> None:
    session.add(
        AutomationSequenceRevision(
            tenant_id=sequence.tenant_id,
            sequence_id=sequence.id,
            version=sequence.version,
            snapshot=snapshot_of(sequence),
            changed_fields=changed,
            actor=actor[:100],
            note=note[:200],
        )
    )
    await session.flush()


def _steps(
    steps: list[Step], settings: Settings, previous: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    out = []
    for index, step in enumerate(steps):
        before = previous[index].get("actions", []) if index < len(previous) else []
        data = step.model_dump(mode="json", exclude={"actions"})
        data["actions"] = stored_actions(step.actions, settings, before)
        out.append(data)
    return out


async def _check(session: AsyncSession, tenant_id: uuid.UUID, steps: list[Step] | None) -> None:
    if steps:
        await check_sequences(
            session,
            tenant_id,
            [(f"body.steps.{i}.actions", step.actions) for i, step in enumerate(steps)],
        )


def _values(
    data: SequenceCreate | SequenceUpdate, settings: Settings, previous: list[dict[str, Any]]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in data.model_fields_set & set(FIELDS):
        if name == "steps" and data.steps is not None:
            values[name] = _steps(data.steps, settings, previous)
        else:
            values[name] = data.model_dump(mode="json", include={name})[name]
    return values


async def get_sequence(
    session: AsyncSession, tenant_id: uuid.UUID, sequence_id: uuid.UUID, *, lock: bool = False
) -> AutomationSequence:
    return await get_scoped(
        session, AutomationSequence, tenant_id, sequence_id, "Sequence not found", for_update=lock
    )


async def list_sequences(
    session: AsyncSession, tenant_id: uuid.UUID, params: PageParams
) -> tuple[list[AutomationSequence], int]:
    stmt = scoped(select(AutomationSequence), AutomationSequence, tenant_id).order_by(
        func.lower(AutomationSequence.name), AutomationSequence.id
    )
    return await paginate(session, stmt, params)


async def create_sequence(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    data: SequenceCreate,
    actor: str,
) -> AutomationSequence:
    await _check(session, tenant_id, data.steps)
    values = _values(data, settings, [])
    values.setdefault("exit_on", [e.model_dump(mode="json") for e in data.exit_on])
    values.setdefault("description", "")
    values.setdefault("working_hours", None)
    sequence = AutomationSequence(tenant_id=tenant_id, version=1, **values)
    session.add(sequence)
    await session.flush()
    await _record(session, sequence, list(FIELDS), actor, "created")
    return sequence


async def update_sequence(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    sequence_id: uuid.UUID,
    data: SequenceUpdate,
    actor: str,
) -> AutomationSequence:
    sequence = await get_sequence(session, tenant_id, sequence_id, lock=True)
    nulls = sorted(
        f for f in data.model_fields_set if getattr(data, f) is None and f != "working_hours"
    )
    if nulls:
        raise ValidationFailed(
            "These fields cannot be null",
            errors=[FieldError.at(f"body.{f}", "may not be null", "null") for f in nulls],
        )
    await _check(session, tenant_id, data.steps)
    before = snapshot_of(sequence)
    for name, value in _values(data, settings, sequence.steps).items():
        setattr(sequence, name, value)
    changed = changed_fields(before, snapshot_of(sequence))
    if changed:
        sequence.version += 1
        await session.flush()
        await _record(session, sequence, changed, actor)
    return sequence


async def set_paused(
    session: AsyncSession, tenant_id: uuid.UUID, sequence_id: uuid.UUID, paused: bool
) -> AutomationSequence:
    """Pausing holds every waiting step of the sequence; resuming lets them run (a step whose
    time went by meanwhile runs at the next opening of the working hours)."""
    sequence = await get_sequence(session, tenant_id, sequence_id, lock=True)
    if paused:
        await enrolments.pause_sequence(session, sequence)
    else:
        await enrolments.resume_sequence(session, sequence)
    return sequence


async def delete_sequence(
    session: AsyncSession, tenant_id: uuid.UUID, sequence_id: uuid.UUID
) -> None:
    await session.delete(await get_sequence(session, tenant_id, sequence_id))
    await session.flush()


async def list_revisions(
    session: AsyncSession, tenant_id: uuid.UUID, sequence_id: uuid.UUID, params: PageParams
) -> tuple[list[AutomationSequenceRevision], int]:
    await get_sequence(session, tenant_id, sequence_id)
    stmt = (
        scoped(select(AutomationSequenceRevision), AutomationSequenceRevision, tenant_id)
        .where(AutomationSequenceRevision.sequence_id == sequence_id)
        .order_by(AutomationSequenceRevision.version.desc())
    )
    return await paginate(session, stmt, params)


async def get_revision(
    session: AsyncSession, tenant_id: uuid.UUID, sequence_id: uuid.UUID, version: int
) -> AutomationSequenceRevision:
    return await get_scoped_where(
        session,
        AutomationSequenceRevision,
        tenant_id,
        f"Revision {version} not found",
        AutomationSequenceRevision.sequence_id == sequence_id,
        AutomationSequenceRevision.version == version,
    )


async def enrol_lead(
    session: AsyncSession, tenant_id: uuid.UUID, sequence_id: uuid.UUID, data: EnrolmentCreate,
    actor: str,
) -> SequenceEnrolment:  # fmt: skip
    template = template_values(data.lead_id, data.lead_name, {}, {})
    enrolment = await enrolments.enrol(
        session, tenant_id, sequence_id, data.lead_id, template, actor
    )
    if enrolment is None:
        raise Conflict("The lead is in this sequence already")
    return enrolment


async def list_enrolments(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    params: PageParams,
    *,
    sequence_id: uuid.UUID | None = None,
    lead_id: int | None = None,
    status: EnrolmentStatus | None = None,
) -> tuple[list[SequenceEnrolment], int]:
    stmt = scoped(select(SequenceEnrolment), SequenceEnrolment, tenant_id)
    if sequence_id is not None:
        stmt = stmt.where(SequenceEnrolment.sequence_id == sequence_id)
    if lead_id is not None:
        stmt = stmt.where(SequenceEnrolment.lead_id == lead_id)
    if status is not None:
        stmt = stmt.where(SequenceEnrolment.status == status)
    stmt = stmt.order_by(SequenceEnrolment.created_at.desc(), SequenceEnrolment.id.desc())
    return await paginate(session, stmt, params)


async def next_steps(
    session: AsyncSession, tenant_id: uuid.UUID, enrolment_ids: list[uuid.UUID]
) -> dict[uuid.UUID, SequenceStep]:
    """The latest step row of each enrolment (waiting, running or the last one run)."""
    rows = await session.scalars(
        scoped(select(SequenceStep), SequenceStep, tenant_id)
        .where(SequenceStep.enrolment_id.in_(enrolment_ids))
        .order_by(SequenceStep.enrolment_id, SequenceStep.step_index.desc())
    )
    latest: dict[uuid.UUID, SequenceStep] = {}
    for row in rows:
        latest.setdefault(row.enrolment_id, row)
    return latest
