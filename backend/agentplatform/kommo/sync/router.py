"""HTTP routes of Kommo syncs: ask for one, the runs, and what they stored (pipelines with
statuses, custom fields, users, sources) for the SPA and the rule engine."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from agentplatform.core.db import SessionDep
from agentplatform.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    problem_responses,
)
from agentplatform.core.pagination import Page, PageDep
from agentplatform.kommo.deps import IntegrationsRead, IntegrationsWrite
from agentplatform.kommo.sync import service as sync_service
from agentplatform.kommo.sync.models import FieldEntity, SyncKind
from agentplatform.kommo.sync.schemas import (
    CustomFieldRead,
    KommoUserRead,
    PipelineRead,
    SourceRead,
    StatusRead,
    SyncRequest,
    SyncRunRead,
    SyncRuns,
)

router = APIRouter(prefix="/tenants/{tenant_id}/integrations/kommo", tags=["kommo-sync"])

ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, RateLimited)
SYNC_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, Conflict, RateLimited)


@router.post(
    "/sync", response_model=SyncRuns, status_code=status.HTTP_202_ACCEPTED, responses=SYNC_ERRORS
)
async def request_sync(
    ctx: IntegrationsWrite, session: SessionDep, body: SyncRequest | None = None
) -> SyncRuns:
    """Syncs the kinds asked for (all by default) from Kommo in the worker; a kind whose run
    already waits or runs answers that run. 409 when Kommo refused our grant (reconnect)."""
    runs = await sync_service.request_sync_now(
        session,
        ctx.tenant_id,
        body.kinds if body else None,
        ctx.user.id if ctx.user else None,
    )
    return SyncRuns(runs=[SyncRunRead.model_validate(run) for run in runs])


@router.get("/syncs", response_model=Page[SyncRunRead], responses=ERRORS)
async def list_syncs(
    ctx: IntegrationsRead,
    session: SessionDep,
    page: PageDep,
    kind: Annotated[SyncKind | None, Query()] = None,
) -> Page[SyncRunRead]:
    """Sync runs, the newest first, with their counts, progress and errors."""
    runs, total = await sync_service.list_runs(session, ctx.tenant_id, page, kind)
    return Page[SyncRunRead].of([SyncRunRead.model_validate(r) for r in runs], total, page)


@router.get("/pipelines", response_model=Page[PipelineRead], responses=ERRORS)
async def list_pipelines(
    ctx: IntegrationsRead, session: SessionDep, page: PageDep
) -> Page[PipelineRead]:
    """The account's pipelines in Kommo's order, each with its statuses, as last synced."""
    rows, total = await sync_service.list_pipelines(session, ctx.tenant_id, page)
    items = [
        PipelineRead(
            kommo_id=p.kommo_id,
            name=p.name,
            sort=p.sort,
            is_main=p.is_main,
            is_archive=p.is_archive,
            is_unsorted_on=p.is_unsorted_on,
            statuses=[StatusRead.model_validate(s) for s in statuses],
        )
        for p, statuses in rows
    ]
    return Page[PipelineRead].of(items, total, page)


@router.get("/fields", response_model=Page[CustomFieldRead], responses=ERRORS)
async def list_fields(
    ctx: IntegrationsRead,
    session: SessionDep,
    page: PageDep,
    entity_type: Annotated[FieldEntity | None, Query()] = None,
) -> Page[CustomFieldRead]:
    """The account's custom fields (of leads, contacts, companies) with their enums."""
    rows, total = await sync_service.list_custom_fields(session, ctx.tenant_id, page, entity_type)
    return Page[CustomFieldRead].of([CustomFieldRead.model_validate(r) for r in rows], total, page)


@router.get("/users", response_model=Page[KommoUserRead], responses=ERRORS)
async def list_users(
    ctx: IntegrationsRead, session: SessionDep, page: PageDep
) -> Page[KommoUserRead]:
    """The account's users with a summary of their rights."""
    rows, total = await sync_service.list_users(session, ctx.tenant_id, page)
    return Page[KommoUserRead].of([KommoUserRead.model_validate(r) for r in rows], total, page)


@router.get("/sources", response_model=Page[SourceRead], responses=ERRORS)
async def list_sources(
    ctx: IntegrationsRead, session: SessionDep, page: PageDep
) -> Page[SourceRead]:
    """The account's lead sources (chat channels and forms) and the services behind them."""
    rows, total = await sync_service.list_sources(session, ctx.tenant_id, page)
    return Page[SourceRead].of([SourceRead.model_validate(r) for r in rows], total, page)
