"""HTTP routes for sequences (CRUD, pause and resume, revisions) and their enrolments (enrol a
lead, list, pause, resume, stop)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.automation import enrolments, sequences_service
from agentplatform.automation.deps import AutomationRead, AutomationWrite
from agentplatform.automation.models import EnrolmentStatus, SequenceEnrolment
from agentplatform.automation.schemas import (
    EnrolmentCreate,
    EnrolmentRead,
    RevisionDetail,
    RevisionRead,
    SequenceCreate,
    SequenceRead,
    SequenceUpdate,
    StepRead,
)
from agentplatform.core.app_state import app_settings
from agentplatform.core.db import SessionDep
from agentplatform.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    problem_responses,
)
from agentplatform.core.pagination import Page, PageDep

router = APIRouter(prefix="/tenants/{tenant_id}/automation", tags=["automation"])

READ_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, RateLimited)
WRITE_ERRORS = problem_responses(
    Unauthorized, Forbidden, NotFound, Conflict, ValidationFailed, RateLimited
)


async def _reads(
    session: AsyncSession, tenant_id: uuid.UUID, items: list[SequenceEnrolment]
) -> list[EnrolmentRead]:
    steps = await sequences_service.next_steps(session, tenant_id, [e.id for e in items])
    out = []
    for enrolment in items:
        read = EnrolmentRead.model_validate(enrolment)
        step = steps.get(enrolment.id)
        read.next_step = StepRead.model_validate(step) if step is not None else None
        out.append(read)
    return out


@router.get("/sequences", response_model=Page[SequenceRead], responses=READ_ERRORS)
async def list_sequences(
    ctx: AutomationRead, session: SessionDep, page: PageDep
) -> Page[SequenceRead]:
    items, total = await sequences_service.list_sequences(session, ctx.tenant_id, page)
    return Page[SequenceRead].of([SequenceRead.model_validate(s) for s in items], total, page)


@router.post(
    "/sequences",
    response_model=SequenceRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def create_sequence(
    body: SequenceCreate, ctx: AutomationWrite, session: SessionDep, request: Request
) -> SequenceRead:
    sequence = await sequences_service.create_sequence(
        session, app_settings(request), ctx.tenant_id, body, ctx.actor
    )
    return SequenceRead.model_validate(sequence)


@router.get("/sequences/{sequence_id}", response_model=SequenceRead, responses=READ_ERRORS)
async def get_sequence(
    sequence_id: uuid.UUID, ctx: AutomationRead, session: SessionDep
) -> SequenceRead:
    sequence = await sequences_service.get_sequence(session, ctx.tenant_id, sequence_id)
    return SequenceRead.model_validate(sequence)


@router.patch("/sequences/{sequence_id}", response_model=SequenceRead, responses=WRITE_ERRORS)
async def update_sequence(
    sequence_id: uuid.UUID, body: SequenceUpdate, ctx: AutomationWrite, session: SessionDep,
    request: Request,
) -> SequenceRead:  # fmt: skip
    """Changes the sequence (a revision); leads enrolled already keep their version."""
    sequence = await sequences_service.update_sequence(
        session, app_settings(request), ctx.tenant_id, sequence_id, body, ctx.actor
    )
    return SequenceRead.model_validate(sequence)


@router.delete(
    "/sequences/{sequence_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ_ERRORS
)
async def delete_sequence(
    sequence_id: uuid.UUID, ctx: AutomationWrite, session: SessionDep
) -> None:
    await sequences_service.delete_sequence(session, ctx.tenant_id, sequence_id)


@router.post("/sequences/{sequence_id}/pause", response_model=SequenceRead, responses=WRITE_ERRORS)
async def pause_sequence(
    sequence_id: uuid.UUID, ctx: AutomationWrite, session: SessionDep
) -> SequenceRead:
    sequence = await sequences_service.set_paused(session, ctx.tenant_id, sequence_id, True)
    return SequenceRead.model_validate(sequence)


@router.post("/sequences/{sequence_id}/resume", response_model=SequenceRead, responses=WRITE_ERRORS)
async def resume_sequence(
    sequence_id: uuid.UUID, ctx: AutomationWrite, session: SessionDep
) -> SequenceRead:
    sequence = await sequences_service.set_paused(session, ctx.tenant_id, sequence_id, False)
    return SequenceRead.model_validate(sequence)


@router.get(
    "/sequences/{sequence_id}/revisions", response_model=Page[RevisionRead], responses=READ_ERRORS
)
async def list_sequence_revisions(
    sequence_id: uuid.UUID, ctx: AutomationRead, session: SessionDep, page: PageDep
) -> Page[RevisionRead]:
    items, total = await sequences_service.list_revisions(session, ctx.tenant_id, sequence_id, page)
    return Page[RevisionRead].of([RevisionRead.model_validate(r) for r in items], total, page)


@router.get(
    "/sequences/{sequence_id}/revisions/{version}",
    response_model=RevisionDetail,
    responses=READ_ERRORS,
)
async def get_sequence_revision(
    sequence_id: uuid.UUID, version: int, ctx: AutomationRead, session: SessionDep
) -> RevisionDetail:
    revision = await sequences_service.get_revision(session, ctx.tenant_id, sequence_id, version)
    return RevisionDetail.model_validate(revision)


@router.post(
    "/sequences/{sequence_id}/enrolments",
    response_model=EnrolmentRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def enrol_lead(
    sequence_id: uuid.UUID, body: EnrolmentCreate, ctx: AutomationWrite, session: SessionDep
) -> EnrolmentRead:
    """Starts the sequence for a lead (409 if the lead is in it already)."""
    enrolment = await sequences_service.enrol_lead(
        session, ctx.tenant_id, sequence_id, body, ctx.actor
    )
    return (await _reads(session, ctx.tenant_id, [enrolment]))[0]


@router.get("/enrolments", response_model=Page[EnrolmentRead], responses=READ_ERRORS)
async def list_enrolments(
    ctx: AutomationRead,
    session: SessionDep,
    page: PageDep,
    sequence_id: uuid.UUID | None = None,
    lead_id: Annotated[int | None, Query(gt=0)] = None,
    status_filter: Annotated[EnrolmentStatus | None, Query(alias="status")] = None,
) -> Page[EnrolmentRead]:
    items, total = await sequences_service.list_enrolments(
        session, ctx.tenant_id, page, sequence_id=sequence_id, lead_id=lead_id,
        status=status_filter,
    )  # fmt: skip
    return Page[EnrolmentRead].of(await _reads(session, ctx.tenant_id, items), total, page)


@router.post(
    "/enrolments/{enrolment_id}/pause", response_model=EnrolmentRead, responses=WRITE_ERRORS
)
async def pause_enrolment(
    enrolment_id: uuid.UUID, ctx: AutomationWrite, session: SessionDep
) -> EnrolmentRead:
    enrolment = await enrolments.pause(session, ctx.tenant_id, enrolment_id)
    return (await _reads(session, ctx.tenant_id, [enrolment]))[0]


@router.post(
    "/enrolments/{enrolment_id}/resume", response_model=EnrolmentRead, responses=WRITE_ERRORS
)
async def resume_enrolment(
    enrolment_id: uuid.UUID, ctx: AutomationWrite, session: SessionDep
) -> EnrolmentRead:
    enrolment = await enrolments.resume(session, ctx.tenant_id, enrolment_id)
    return (await _reads(session, ctx.tenant_id, [enrolment]))[0]


@router.post(
    "/enrolments/{enrolment_id}/stop", response_model=EnrolmentRead, responses=WRITE_ERRORS
)
async def stop_enrolment(
    enrolment_id: uuid.UUID, ctx: AutomationWrite, session: SessionDep
) -> EnrolmentRead:
    enrolment = await enrolments.stop(session, ctx.tenant_id, enrolment_id, ctx.actor)
    return (await _reads(session, ctx.tenant_id, [enrolment]))[0]
