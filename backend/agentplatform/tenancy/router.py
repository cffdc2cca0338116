"""HTTP routes of the tenancy domain: sign-in, tenants, members, invitations, API keys, flags."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, Request, Response, status

from agentplatform.core.app_state import app_settings
from agentplatform.core.db import SessionDep
from agentplatform.core.errors import (
    Conflict,
    CsrfRejected,
    FeatureDisabled,
    Forbidden,
    InvalidCredentials,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    problem_responses,
)
from agentplatform.core.pagination import Page, PageDep
from agentplatform.core.ratelimit import client_ip
from agentplatform.core.settings import Settings
from agentplatform.tenancy import (
    api_keys_service,
    auth_service,
    flags_service,
    members_service,
    tenants_service,
)
from agentplatform.tenancy.deps import (
    ApiKeyPrincipal,
    ApiKeysRead,
    ApiKeysWrite,
    CurrentPrincipal,
    CurrentUser,
    MembersRead,
    MembersWrite,
    WorkspaceRead,
    WorkspaceWrite,
    check_same_origin,
)
from agentplatform.tenancy.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    FeatureFlags,
    FeatureFlagSet,
    InvitationAccept,
    InvitationCreate,
    InvitationCreated,
    InvitationLookup,
    InvitationPreview,
    InvitationRead,
    LoginRequest,
    MemberRead,
    MemberUpdate,
    ScopeRead,
    SessionRead,
    TenantCreate,
    TenantMembershipRead,
    TenantRead,
    TenantUpdate,
    UserRead,
)
from agentplatform.tenancy.scopes import MEMBERS_WRITE, known

AUTH_ERRORS = problem_responses(Unauthorized, CsrfRejected, RateLimited)
TENANT_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, RateLimited)


async def _limit(request: Request, rule: str, *identifiers: str) -> None:
    await request.app.state.rate_limiter.hit(rule, *identifiers)


def _set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        settings.session_cookie_name,
        token,
        max_age=settings.session_ttl_hours * 3600,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )


async def _session_read(session: SessionDep, principal: CurrentPrincipal) -> SessionRead:
    if isinstance(principal, ApiKeyPrincipal):
        tenant = await tenants_service.tenant_by_id(session, principal.api_key.tenant_id)
        tenants = (
            [TenantMembershipRead(id=tenant.id, name=tenant.name, slug=tenant.slug, role=None)]
            if tenant
            else []
        )
        return SessionRead(user=None, api_key_id=principal.api_key.id, tenants=tenants)
    return SessionRead(
        user=UserRead.model_validate(principal.user),
        tenants=await tenants_service.tenants_of_user(session, principal.user.id),
    )


# --- auth -------------------------------------------------------------------------------------
auth_router = APIRouter(prefix="/auth", tags=["auth"])


@auth_router.post(
    "/login",
    response_model=SessionRead,
    responses=problem_responses(InvalidCredentials, CsrfRejected, RateLimited, ValidationFailed),
)
async def login(
    body: LoginRequest, request: Request, response: Response, session: SessionDep
) -> SessionRead:
    """Sign in with email and password; sets an httpOnly session cookie."""
    settings = app_settings(request)
    check_same_origin(request, settings)
    ip = client_ip(request)
    await _limit(request, settings.rate_limit_login, "login-ip", ip)
    await _limit(request, settings.rate_limit_login, "login-email", body.email.lower())
    user, token = await auth_service.login(
        session,
        body.email,
        body.password,
        ttl=timedelta(hours=settings.session_ttl_hours),
        user_agent=request.headers.get("user-agent", ""),
        ip_address=ip,
    )
    _set_session_cookie(response, settings, token)
    return SessionRead(
        user=UserRead.model_validate(user),
        tenants=await tenants_service.tenants_of_user(session, user.id),
    )


@auth_router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=AUTH_ERRORS)
async def logout(
    request: Request, response: Response, principal: CurrentUser, session: SessionDep
) -> None:
    """Ends this browser session and clears its cookie."""
    await auth_service.end_session(session, principal.auth_session.id)
    response.delete_cookie(app_settings(request).session_cookie_name, path="/")


@auth_router.get("/me", response_model=SessionRead, responses=AUTH_ERRORS)
async def me(principal: CurrentPrincipal, session: SessionDep) -> SessionRead:
    """Who is calling, and the tenants they can open."""
    return await _session_read(session, principal)


# --- invitations (public side) ------------------------------------------------------------------
invitations_router = APIRouter(prefix="/invitations", tags=["invitations"])


@invitations_router.post(
    "/lookup", response_model=InvitationPreview, responses=problem_responses(NotFound, RateLimited)
)
async def lookup_invitation(
    body: InvitationLookup, request: Request, session: SessionDep
) -> InvitationPreview:
    """What an invitation token is for, before accepting it."""
    await _limit(request, app_settings(request).rate_limit_public, "invitation", client_ip(request))
    invitation, tenant = await members_service.open_invitation(session, body.token)
    account = await auth_service.find_user_by_email(session, invitation.email)
    return InvitationPreview(
        tenant_name=tenant.name,
        email=invitation.email,
        role=invitation.role,
        expires_at=invitation.expires_at,
        account_exists=account is not None,
    )


@invitations_router.post(
    "/accept",
    response_model=SessionRead,
    responses=problem_responses(NotFound, InvalidCredentials, RateLimited, CsrfRejected),
)
async def accept_invitation(
    body: InvitationAccept, request: Request, response: Response, session: SessionDep
) -> SessionRead:
    """Joins the workspace (creating the account if needed) and signs in."""
    settings = app_settings(request)
    check_same_origin(request, settings)
    await _limit(request, settings.rate_limit_public, "invitation", client_ip(request))
    user, _ = await members_service.accept_invitation(session, body)
    _, token = await auth_service.start_session(
        session,
        user,
        ttl=timedelta(hours=settings.session_ttl_hours),
        user_agent=request.headers.get("user-agent", ""),
        ip_address=client_ip(request),
    )
    _set_session_cookie(response, settings, token)
    return SessionRead(
        user=UserRead.model_validate(user),
        tenants=await tenants_service.tenants_of_user(session, user.id),
    )


# --- tenants ----------------------------------------------------------------------------------
tenants_router = APIRouter(prefix="/tenants", tags=["tenants"])


@tenants_router.get("", response_model=list[TenantMembershipRead], responses=AUTH_ERRORS)
async def list_tenants(
    principal: CurrentPrincipal, session: SessionDep
) -> list[TenantMembershipRead]:
    """The caller's tenants (an API key sees its own one)."""
    return (await _session_read(session, principal)).tenants


@tenants_router.post(
    "",
    response_model=TenantRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(Unauthorized, Forbidden, Conflict, CsrfRejected),
)
async def create_tenant(
    body: TenantCreate, principal: CurrentUser, session: SessionDep
) -> TenantRead:
    """Creates a workspace owned by the caller."""
    tenant = await tenants_service.create_tenant(session, body, owner_id=principal.user.id)
    return TenantRead.model_validate(tenant)


@tenants_router.get("/{tenant_id}", response_model=TenantRead, responses=TENANT_ERRORS)
async def get_tenant(ctx: WorkspaceRead) -> TenantRead:
    """Workspace settings: name, slug, time zone and locale."""
    return TenantRead.model_validate(ctx.tenant)


@tenants_router.patch(
    "/{tenant_id}",
    response_model=TenantRead,
    responses=problem_responses(Unauthorized, Forbidden, NotFound, Conflict, CsrfRejected),
)
async def update_tenant(body: TenantUpdate, ctx: WorkspaceWrite, session: SessionDep) -> TenantRead:
    tenant = await tenants_service.update_tenant(session, ctx.tenant_id, body)
    return TenantRead.model_validate(tenant)


# --- feature flags ------------------------------------------------------------------------------
flags_router = APIRouter(prefix="/tenants/{tenant_id}/feature-flags", tags=["feature-flags"])


@flags_router.get("", response_model=FeatureFlags, responses=TENANT_ERRORS)
async def list_feature_flags(
    ctx: WorkspaceRead, session: SessionDep, request: Request
) -> FeatureFlags:
    """Every flag with its effective value, in one call for the SPA."""
    return await flags_service.flags_for_tenant(session, ctx.tenant_id, app_settings(request))


@flags_router.put("/{key}", response_model=FeatureFlags, responses=TENANT_ERRORS)
async def set_feature_flag(
    key: str, body: FeatureFlagSet, ctx: WorkspaceWrite, session: SessionDep, request: Request
) -> FeatureFlags:
    await flags_service.set_flag(session, ctx.tenant_id, key, body.enabled)
    return await flags_service.flags_for_tenant(session, ctx.tenant_id, app_settings(request))


@flags_router.delete("/{key}", response_model=FeatureFlags, responses=TENANT_ERRORS)
async def reset_feature_flag(
    key: str, ctx: WorkspaceWrite, session: SessionDep, request: Request
) -> FeatureFlags:
    """Drops the tenant's override so the default applies again."""
    await flags_service.reset_flag(session, ctx.tenant_id, key)
    return await flags_service.flags_for_tenant(session, ctx.tenant_id, app_settings(request))


# --- members and invitations ------------------------------------------------------------------
members_router = APIRouter(prefix="/tenants/{tenant_id}", tags=["members"])


@members_router.get("/members", response_model=Page[MemberRead], responses=TENANT_ERRORS)
async def list_members(ctx: MembersRead, session: SessionDep, page: PageDep) -> Page[MemberRead]:
    items, total = await members_service.list_members(session, ctx.tenant_id, page)
    return Page[MemberRead].of(items, total, page)


@members_router.patch(
    "/members/{membership_id}",
    response_model=MemberRead,
    responses=problem_responses(Unauthorized, Forbidden, NotFound, Conflict),
)
async def update_member(
    membership_id: uuid.UUID, body: MemberUpdate, ctx: MembersWrite, session: SessionDep
) -> MemberRead:
    """Changes a member's role; only owners grant or take away ownership."""
    return await members_service.change_role(
        session, ctx.tenant_id, membership_id, body.role, ctx.role
    )


@members_router.delete(
    "/members/{membership_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(Unauthorized, Forbidden, NotFound, Conflict),
)
async def remove_member(membership_id: uuid.UUID, ctx: MembersRead, session: SessionDep) -> None:
    """Removes a member, or lets the caller leave the workspace."""
    await members_service.remove_member(
        session,
        ctx.tenant_id,
        membership_id,
        actor_role=ctx.role,
        actor_user_id=ctx.user.id if ctx.user else None,
        may_manage_members=MEMBERS_WRITE.name in ctx.scopes,
    )


@members_router.get("/invitations", response_model=Page[InvitationRead], responses=TENANT_ERRORS)
async def list_invitations(
    ctx: MembersRead, session: SessionDep, page: PageDep
) -> Page[InvitationRead]:
    items, total = await members_service.list_invitations(session, ctx.tenant_id, page)
    return Page[InvitationRead].of([InvitationRead.model_validate(i) for i in items], total, page)


@members_router.post(
    "/invitations",
    response_model=InvitationCreated,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(Unauthorized, Forbidden, FeatureDisabled, NotFound, Conflict),
)
async def create_invitation(
    body: InvitationCreate, ctx: MembersWrite, session: SessionDep, request: Request
) -> InvitationCreated:
    """Invites someone by email; the response carries the token and link, shown once."""
    settings = app_settings(request)
    invitation, token = await members_service.create_invitation(
        session,
        ctx.tenant_id,
        body,
        actor_role=ctx.role,
        invited_by=ctx.user.id if ctx.user else None,
        settings=settings,
    )
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    return InvitationCreated(
        **InvitationRead.model_validate(invitation).model_dump(),
        token=token,
        accept_url=f"{base}/invite#{token}",
    )


@members_router.delete(
    "/invitations/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(Unauthorized, Forbidden, NotFound, Conflict),
)
async def revoke_invitation(
    invitation_id: uuid.UUID, ctx: MembersWrite, session: SessionDep
) -> None:
    await members_service.revoke_invitation(session, ctx.tenant_id, invitation_id)


# --- API keys ---------------------------------------------------------------------------------
api_keys_router = APIRouter(prefix="/tenants/{tenant_id}/api-keys", tags=["api-keys"])


@api_keys_router.get("", response_model=Page[ApiKeyRead], responses=TENANT_ERRORS)
async def list_api_keys(ctx: ApiKeysRead, session: SessionDep, page: PageDep) -> Page[ApiKeyRead]:
    items, total = await api_keys_service.list_api_keys(session, ctx.tenant_id, page)
    return Page[ApiKeyRead].of([ApiKeyRead.model_validate(k) for k in items], total, page)


@api_keys_router.get("/scopes", response_model=list[ScopeRead], responses=TENANT_ERRORS)
async def list_scopes(_: ApiKeysRead) -> list[ScopeRead]:
    """Every scope of the workspace's API, with what it allows and whether a key may hold it."""
    return [
        ScopeRead(
            name=scope.name,
            description=scope.description,
            grantable=scope.api_keys,
            members=scope.members,
        )
        for scope in known().values()
    ]


@api_keys_router.post(
    "",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(
        Unauthorized, Forbidden, FeatureDisabled, NotFound, ValidationFailed
    ),
)
async def create_api_key(
    body: ApiKeyCreate, ctx: ApiKeysWrite, session: SessionDep, request: Request
) -> ApiKeyCreated:
    """Creates a key for integrators; the key itself is in this response only."""
    api_key, key = await api_keys_service.create_api_key(
        session,
        ctx.tenant_id,
        body,
        created_by=ctx.user.id if ctx.user else None,
        settings=app_settings(request),
    )
    return ApiKeyCreated(**ApiKeyRead.model_validate(api_key).model_dump(), key=key)


@api_keys_router.delete(
    "/{api_key_id}", status_code=status.HTTP_204_NO_CONTENT, responses=TENANT_ERRORS
)
async def revoke_api_key(api_key_id: uuid.UUID, ctx: ApiKeysWrite, session: SessionDep) -> None:
    """Revokes a key at once; it stays listed with its revocation time."""
    await api_keys_service.revoke_api_key(session, ctx.tenant_id, api_key_id)


api_router = APIRouter()
for _router in (
    auth_router,
    invitations_router,
    tenants_router,
    flags_router,
    members_router,
    api_keys_router,
):
    api_router.include_router(_router)
