"""HTTP routes for rules (CRUD, switch on and off, revisions), their runs, and the simulator."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from agentplatform.automation import rules_service, simulation
from agentplatform.automation.deps import AutomationRead, AutomationWrite
from agentplatform.automation.models import RunOutcome
from agentplatform.automation.schemas import (
    RevisionDetail,
    RevisionRead,
    RuleCreate,
    RuleRead,
    RuleRunRead,
    RuleUpdate,
    SimulateRequest,
    SimulateResponse,
    TriggerKind,
)
from agentplatform.core.app_state import app_settings
from agentplatform.core.db import SessionDep
from agentplatform.core.errors import (
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
WRITE_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, ValidationFailed, RateLimited)


@router.get("/rules", response_model=Page[RuleRead], responses=READ_ERRORS)
async def list_rules(
    ctx: AutomationRead,
    session: SessionDep,
    page: PageDep,
    enabled: bool | None = None,
    trigger: TriggerKind | None = None,
) -> Page[RuleRead]:
    items, total = await rules_service.list_rules(
        session, ctx.tenant_id, page, enabled=enabled, trigger=trigger.value if trigger else None
    )
    return Page[RuleRead].of([RuleRead.model_validate(r) for r in items], total, page)


@router.post(
    "/rules", response_model=RuleRead, status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
async def create_rule(
    body: RuleCreate, ctx: AutomationWrite, session: SessionDep, request: Request
) -> RuleRead:
    rule = await rules_service.create_rule(
        session, app_settings(request), ctx.tenant_id, body, ctx.actor
    )
    return RuleRead.model_validate(rule)


@router.get("/rules/{rule_id}", response_model=RuleRead, responses=READ_ERRORS)
async def get_rule(rule_id: uuid.UUID, ctx: AutomationRead, session: SessionDep) -> RuleRead:
    return RuleRead.model_validate(await rules_service.get_rule(session, ctx.tenant_id, rule_id))


@router.patch("/rules/{rule_id}", response_model=RuleRead, responses=WRITE_ERRORS)
async def update_rule(
    rule_id: uuid.UUID, body: RuleUpdate, ctx: AutomationWrite, session: SessionDep,
    request: Request,
) -> RuleRead:  # fmt: skip
    """Changes the rule; every change that alters something is kept as a revision."""
    rule = await rules_service.update_rule(
        session, app_settings(request), ctx.tenant_id, rule_id, body, ctx.actor
    )
    return RuleRead.model_validate(rule)


@router.post("/rules/{rule_id}/enable", response_model=RuleRead, responses=WRITE_ERRORS)
async def enable_rule(
    rule_id: uuid.UUID, ctx: AutomationWrite, session: SessionDep, request: Request
) -> RuleRead:
    rule = await rules_service.set_enabled(
        session, app_settings(request), ctx.tenant_id, rule_id, True, ctx.actor
    )
    return RuleRead.model_validate(rule)


@router.post("/rules/{rule_id}/disable", response_model=RuleRead, responses=WRITE_ERRORS)
async def disable_rule(
    rule_id: uuid.UUID, ctx: AutomationWrite, session: SessionDep, request: Request
) -> RuleRead:
    rule = await rules_service.set_enabled(
        session, app_settings(request), ctx.tenant_id, rule_id, False, ctx.actor
    )
    return RuleRead.model_validate(rule)


@router.delete("/rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ_ERRORS)
async def delete_rule(rule_id: uuid.UUID, ctx: AutomationWrite, session: SessionDep) -> None:
    await rules_service.delete_rule(session, ctx.tenant_id, rule_id)


@router.get("/rules/{rule_id}/revisions", response_model=Page[RevisionRead], responses=READ_ERRORS)
async def list_rule_revisions(
    rule_id: uuid.UUID, ctx: AutomationRead, session: SessionDep, page: PageDep
) -> Page[RevisionRead]:
    items, total = await rules_service.list_revisions(session, ctx.tenant_id, rule_id, page)
    return Page[RevisionRead].of([RevisionRead.model_validate(r) for r in items], total, page)


@router.get(
    "/rules/{rule_id}/revisions/{version}", response_model=RevisionDetail, responses=READ_ERRORS
)
async def get_rule_revision(
    rule_id: uuid.UUID, version: int, ctx: AutomationRead, session: SessionDep
) -> RevisionDetail:
    revision = await rules_service.get_revision(session, ctx.tenant_id, rule_id, version)
    return RevisionDetail.model_validate(revision)


@router.post(
    "/rules/{rule_id}/revisions/{version}/restore", response_model=RuleRead, responses=WRITE_ERRORS
)
async def restore_rule_revision(
    rule_id: uuid.UUID, version: int, ctx: AutomationWrite, session: SessionDep
) -> RuleRead:
    rule = await rules_service.restore_revision(session, ctx.tenant_id, rule_id, version, ctx.actor)
    return RuleRead.model_validate(rule)


@router.get("/runs", response_model=Page[RuleRunRead], responses=READ_ERRORS)
async def list_runs(
    ctx: AutomationRead,
    session: SessionDep,
    page: PageDep,
    rule_id: uuid.UUID | None = None,
    lead_id: Annotated[int | None, Query(gt=0)] = None,
    outcome: RunOutcome | None = None,
) -> Page[RuleRunRead]:
    """What the rules did, newest first, by rule, lead or outcome."""
    items, total = await rules_service.list_runs(
        session, ctx.tenant_id, page, rule_id=rule_id, lead_id=lead_id, outcome=outcome
    )
    return Page[RuleRunRead].of([RuleRunRead.model_validate(r) for r in items], total, page)


@router.post("/simulate", response_model=SimulateResponse, responses=WRITE_ERRORS)
async def simulate(
    body: SimulateRequest, ctx: AutomationWrite, session: SessionDep, request: Request
) -> SimulateResponse:
    """What would happen for this event on this lead: the rules that match, each condition's
    outcome, the actions as a dry run, and the dates a started sequence's steps would run.
    Nothing is sent or stored."""
    return await simulation.simulate(session, app_settings(request), ctx.tenant_id, body.event)
