"""HTTP routes of the Kommo connection: in the workspace (authorize, long-lived token, status,
disconnect) and the two Kommo calls from outside (the consent's callback and the
access-revoked hook), which carry no credential of ours: the signed state and Kommo's HMAC
signature are what they are checked by."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import RedirectResponse, Response

from agentplatform.core.app_state import app_sessionmaker, app_settings
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
from agentplatform.core.ratelimit import client_ip
from agentplatform.kommo.client import KommoError
from agentplatform.kommo.connection import connect
from agentplatform.kommo.connection.connect import CallbackParams, ConnectFailed
from agentplatform.kommo.connection.oauth import StateRefused
from agentplatform.kommo.connection.schemas import AuthorizeUrl, DisconnectResult, KommoStatus
from agentplatform.kommo.connection.schemas import LongLivedTokenConnect as TokenBody
from agentplatform.kommo.connection.service import get_connection
from agentplatform.kommo.deps import INTEGRATIONS_WRITE, IntegrationsRead, IntegrationsWrite

router = APIRouter(prefix="/tenants/{tenant_id}/integrations/kommo", tags=["kommo"])
hooks = APIRouter(prefix="/integrations/kommo", tags=["kommo"])

READ_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, RateLimited)
WRITE_ERRORS = problem_responses(
    Unauthorized, Forbidden, NotFound, Conflict, ValidationFailed, RateLimited, KommoError
)


def _api_base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/authorize", response_model=AuthorizeUrl, responses=WRITE_ERRORS)
async def authorize_kommo(ctx: IntegrationsWrite, request: Request) -> AuthorizeUrl:
    """Kommo's consent URL for this workspace (409 when OAuth is not configured); the state in
    it is bound to the workspace and the signed-in user, spent once, and lives 10 minutes."""
    if ctx.user is None:
        raise Forbidden("Connecting through Kommo's consent page needs a signed-in user")
    return connect.authorize(app_settings(request), ctx.tenant_id, ctx.user.id)


@router.post("/token", response_model=KommoStatus, responses=WRITE_ERRORS)
async def connect_kommo_token(
    body: TokenBody, ctx: IntegrationsWrite, session: SessionDep, request: Request
) -> KommoStatus:
    """Connect with a private integration's long-lived token (checked against the account)."""
    settings = app_settings(request)
    await connect.connect_long_lived(
        session,
        settings,
        request.app.state.redis,
        ctx.tenant_id,
        account_url=body.account_url,
        token=body.token.get_secret_value(),
        user_id=ctx.user.id if ctx.user else None,
        api_base=_api_base(request),
    )
    return await connect.connection_status(
        session, settings, ctx.tenant_id, api_base=_api_base(request)
    )


@router.get("/status", response_model=KommoStatus, responses=READ_ERRORS)
async def kommo_status(ctx: IntegrationsRead, session: SessionDep, request: Request) -> KommoStatus:
    """The connection, its last syncs and the last day's webhook deliveries. The webhook URL
    carries its secret, so only those who may change the integration see it."""
    found = await connect.connection_status(
        session, app_settings(request), ctx.tenant_id, api_base=_api_base(request)
    )
    if INTEGRATIONS_WRITE.name not in ctx.scopes:
        found = found.model_copy(update={"webhook_url": None})
    return found


@router.delete("", response_model=DisconnectResult, responses=READ_ERRORS)
async def disconnect_kommo(
    ctx: IntegrationsWrite, session: SessionDep, request: Request
) -> DisconnectResult:
    """Remove our webhooks from the account (best effort, reported) and forget the tokens."""
    connection = await get_connection(session, ctx.tenant_id)  # 404 when not connected
    return await connect.disconnect(
        session,
        app_settings(request),
        request.app.state.redis,
        app_sessionmaker(request),
        connection,
    )


@hooks.get(
    "/callback",
    status_code=status.HTTP_303_SEE_OTHER,
    response_class=RedirectResponse,
    responses=problem_responses(RateLimited),
)
async def kommo_oauth_callback(
    request: Request,
    session: SessionDep,
    code: Annotated[str | None, Query(max_length=4096)] = None,
    state: Annotated[str | None, Query(max_length=1024)] = None,
    referer: Annotated[str | None, Query(max_length=255)] = None,
    error: Annotated[str | None, Query(max_length=255)] = None,
    platform: Annotated[str | None, Query(max_length=16)] = None,
) -> RedirectResponse:
    """Kommo's Redirect URI: finishes the consent, then sends the browser to the integrations
    page with `kommo=connected` or `kommo=error&reason=...`."""
    settings = app_settings(request)
    await request.app.state.rate_limiter.hit(
        settings.rate_limit_public, "kommo-callback", client_ip(request)
    )
    params = CallbackParams(
        code=code,
        state=state,
        referer=referer,
        error=error,
        session_token=request.cookies.get(settings.session_cookie_name),
    )
    try:
        connection = await connect.complete_oauth(
            session, settings, request.app.state.redis, params, api_base=_api_base(request)
        )
    except (StateRefused, ConnectFailed) as exc:
        target = f"/manage/{exc.tenant_id}/integrations" if exc.tenant_id else "/manage"
        query = urlencode({"kommo": "error", "reason": exc.reason})
        return RedirectResponse(f"{target}?{query}", status_code=status.HTTP_303_SEE_OTHER)
    return RedirectResponse(
        f"/manage/{connection.tenant_id}/integrations?kommo=connected",
        status_code=status.HTTP_303_SEE_OTHER,
    )


@hooks.get(
    "/revoked",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(Forbidden, RateLimited),
)
async def kommo_access_revoked(
    request: Request,
    session: SessionDep,
    client_uuid: Annotated[str, Query(max_length=64)],
    account_id: Annotated[str, Query(max_length=32)],
    signature: Annotated[str, Query(max_length=128)],
) -> Response:
    """Kommo's "access revoked" notification (HMAC-SHA256 signed with the client secret): the
    account's OAuth connections need a new consent."""
    settings = app_settings(request)
    await request.app.state.rate_limiter.hit(
        settings.rate_limit_public, "kommo-revoked", client_ip(request)
    )
    await connect.access_revoked(
        session, settings, client_uuid=client_uuid, account_id=account_id, signature=signature
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
