"""HTTP routes for a workspace's AI: providers, defaults and budget, health, models, usage."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from agentplatform.ai import providers_service, service, usage
from agentplatform.ai.deps import AiRead, AiWrite
from agentplatform.ai.models import AiProvider
from agentplatform.ai.provider_errors import PROVIDER_ERRORS
from agentplatform.ai.schemas import (
    AiHealth,
    AiSettingsRead,
    AiSettingsUpdate,
    EmbedRequest,
    EmbedResponse,
    ModelList,
    ProviderCreate,
    ProviderRead,
    ProviderUpdate,
    UsageReport,
)
from agentplatform.ai.usage import TokenBudgetExceeded
from agentplatform.core.app_state import app_settings
from agentplatform.core.db import SessionDep, utcnow
from agentplatform.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    problem_responses,
)

router = APIRouter(prefix="/tenants/{tenant_id}/ai", tags=["ai"])

READ_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, RateLimited)
WRITE_ERRORS = problem_responses(
    Unauthorized, Forbidden, NotFound, Conflict, ValidationFailed, RateLimited
)


def _read(provider: AiProvider) -> ProviderRead:
    return ProviderRead(
        id=provider.id,
        name=provider.name,
        kind=provider.kind,
        base_url=provider.base_url,
        has_api_key=provider.api_key_encrypted is not None,
        api_key_last_four=provider.api_key_last_four,
        created_at=provider.created_at,
        updated_at=provider.updated_at,
    )


@router.get("/settings", response_model=AiSettingsRead, responses=READ_ERRORS)
async def get_ai_settings(ctx: AiRead, session: SessionDep, request: Request) -> AiSettingsRead:
    """Defaults, budget and this month's tokens, and what actually answers (after fallbacks)."""
    return await service.read_settings(session, app_settings(request), ctx.tenant_id)


@router.put("/settings", response_model=AiSettingsRead, responses=WRITE_ERRORS)
async def update_ai_settings(
    body: AiSettingsUpdate, ctx: AiWrite, session: SessionDep, request: Request
) -> AiSettingsRead:
    """Replaces the defaults and budget; a change of embedding model re-embeds the knowledge
    base in the worker (the old vectors serve until the new ones are all made)."""
    return await service.update_settings(session, app_settings(request), ctx.tenant_id, body)


@router.get("/providers", response_model=list[ProviderRead], responses=READ_ERRORS)
async def list_providers(ctx: AiRead, session: SessionDep) -> list[ProviderRead]:
    return [_read(p) for p in await providers_service.list_providers(session, ctx.tenant_id)]


@router.post(
    "/providers",
    response_model=ProviderRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def create_provider(
    body: ProviderCreate, ctx: AiWrite, session: SessionDep, request: Request
) -> ProviderRead:
    """Adds OpenAI, OpenRouter or a compatible server; the key is stored encrypted."""
    provider = await providers_service.create_provider(
        session, ctx.tenant_id, body, app_settings(request)
    )
    return _read(provider)


@router.patch("/providers/{provider_id}", response_model=ProviderRead, responses=WRITE_ERRORS)
async def update_provider(
    provider_id: uuid.UUID,
    body: ProviderUpdate,
    ctx: AiWrite,
    session: SessionDep,
    request: Request,
) -> ProviderRead:
    provider = await providers_service.update_provider(
        session, ctx.tenant_id, provider_id, body, app_settings(request)
    )
    return _read(provider)


@router.delete(
    "/providers/{provider_id}", status_code=status.HTTP_204_NO_CONTENT, responses=READ_ERRORS
)
async def delete_provider(provider_id: uuid.UUID, ctx: AiWrite, session: SessionDep) -> None:
    """Agents and defaults that used it fall back to the workspace or environment default (for
    embeddings, the knowledge base is re-embedded with the fallback)."""
    await providers_service.delete_provider(session, ctx.tenant_id, provider_id)


@router.get("/health", response_model=AiHealth, responses=READ_ERRORS)
async def ai_health(ctx: AiRead, session: SessionDep, request: Request) -> AiHealth:
    """Reachability, key validity and latency of every provider the workspace can use."""
    return await service.health(session, app_settings(request), ctx.tenant_id)


@router.get("/models", response_model=ModelList, responses=READ_ERRORS)
async def ai_models(ctx: AiRead, session: SessionDep, request: Request) -> ModelList:
    """The models available to the workspace (provider lists are cached for a few minutes)."""
    return await service.list_models(
        session, app_settings(request), request.app.state.redis, ctx.tenant_id
    )


@router.get("/usage", response_model=UsageReport, responses=READ_ERRORS)
async def ai_usage(
    ctx: AiRead,
    session: SessionDep,
    since: Annotated[date | None, Query(description="First UTC day; default 30 days ago")] = None,
    until: Annotated[date | None, Query(description="Last UTC day; default today")] = None,
) -> UsageReport:
    """Tokens, calls, errors and latency per day and model."""
    until = until or utcnow().date()
    since = since or until - timedelta(days=29)
    if since > until or (until - since).days > 366:
        raise ValidationFailed("Choose a range of at most a year with since ≤ until")
    settings_row = await service.read_budget(session, ctx.tenant_id)
    return UsageReport(
        days=await usage.daily_usage(session, ctx.tenant_id, since, until),
        tokens_this_month=await usage.tokens_this_month(session, ctx.tenant_id),
        monthly_token_budget=settings_row,
    )


@router.post(
    "/embeddings",
    response_model=EmbedResponse,
    responses=problem_responses(
        Unauthorized, Forbidden, NotFound, RateLimited, TokenBudgetExceeded, *PROVIDER_ERRORS
    ),
)
async def create_embeddings(
    body: EmbedRequest, ctx: AiRead, session: SessionDep, request: Request
) -> EmbedResponse:
    """Embeds texts with the workspace's embedding model (the local one by default)."""
    return await service.embed(session, app_settings(request), ctx.tenant_id, body.texts)
