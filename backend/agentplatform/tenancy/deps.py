"""The one choke point for authentication and tenant scoping.

Every route under `/api/v1/tenants/{tenant_id}` takes a `TenantContext` built here: the caller is
authenticated (API key or session cookie), must belong to the tenant (otherwise 404, so that ids
of other tenants reveal nothing) and must hold the route's scope (otherwise 403).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select

from agentplatform.core.app_state import app_settings
from agentplatform.core.db import SessionDep
from agentplatform.core.domain import Scope
from agentplatform.core.errors import CsrfRejected, Forbidden, NotFound, Unauthorized
from agentplatform.core.settings import Settings
from agentplatform.tenancy import auth_service
from agentplatform.tenancy.api_keys_service import authenticate_api_key
from agentplatform.tenancy.models import ApiKey, AuthSession, Membership, Role, Tenant, User
from agentplatform.tenancy.scopes import (
    API_KEYS_READ,
    API_KEYS_WRITE,
    MEMBERS_READ,
    MEMBERS_WRITE,
    WORKSPACE_READ,
    WORKSPACE_WRITE,
    role_scopes,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class UserPrincipal:
    user: User
    auth_session: AuthSession


@dataclass(frozen=True)
class ApiKeyPrincipal:
    api_key: ApiKey


Principal = UserPrincipal | ApiKeyPrincipal


@dataclass(frozen=True)
class TenantContext:
    tenant: Tenant
    principal: Principal
    role: Role | None
    scopes: frozenset[str]

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.tenant.id

    @property
    def user(self) -> User | None:
        return self.principal.user if isinstance(self.principal, UserPrincipal) else None

    @property
    def actor(self) -> str:
        if isinstance(self.principal, UserPrincipal):
            return f"user:{self.principal.user.id}"
        return f"api_key:{self.principal.api_key.id}"


def check_same_origin(request: Request, settings: Settings) -> None:
    """CSRF defence for cookie-authenticated writes, by Fetch metadata and Origin.

    Browsers label every request with `Sec-Fetch-Site` and cross-origin ones with `Origin`;
    a request from another site is refused unless its origin is trusted. Clients that are not
    browsers send neither header and cannot carry a victim's cookie, so they pass.
    """
    origin = request.headers.get("origin")
    trusted = {o.rstrip("/") for o in settings.trusted_origins}
    if origin and origin.rstrip("/") in trusted:
        return
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        if fetch_site in {"same-origin", "none"}:
            return
        raise CsrfRejected(f"Cross-site request from {origin or 'an unknown origin'} refused")
    if origin is None:
        return
    # Behind a configured proxy, the URL already carries the forwarded scheme and host.
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin.rstrip("/") != own:
        raise CsrfRejected(f"Cross-origin request from {origin} refused")


async def authenticate(request: Request, session: SessionDep) -> Principal:
    settings = app_settings(request)
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Send an API key as 'Authorization: Bearer <key>'")
        api_key = await authenticate_api_key(session, token.strip())
        if api_key is None:
            raise Unauthorized("The API key is invalid, expired or revoked")
        await request.app.state.rate_limiter.hit(
            settings.rate_limit_api_key, "api_key", str(api_key.id)
        )
        return ApiKeyPrincipal(api_key)

    cookie = request.cookies.get(settings.session_cookie_name)
    if cookie:
        found = await auth_service.resolve_session(session, cookie)
        if found is None:
            raise Unauthorized("The session has expired; sign in again")
        user, auth_session = found
        if request.method not in SAFE_METHODS:
            check_same_origin(request, settings)
        return UserPrincipal(user=user, auth_session=auth_session)
    raise Unauthorized("Sign in or send an API key")


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


async def current_user(principal: CurrentPrincipal) -> UserPrincipal:
    if not isinstance(principal, UserPrincipal):
        raise Forbidden("This action needs a signed-in user, not an API key")
    return principal


CurrentUser = Annotated[UserPrincipal, Depends(current_user)]


def tenant_access(*needed: Scope) -> Callable[..., Awaitable[TenantContext]]:
    """The tenant context of a route that needs every scope in `needed`."""

    async def dependency(
        tenant_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep
    ) -> TenantContext:
        if isinstance(principal, ApiKeyPrincipal):
            if principal.api_key.tenant_id != tenant_id:
                raise NotFound("Tenant not found")
            tenant = await session.get(Tenant, tenant_id)
            if tenant is None:
                raise NotFound("Tenant not found")
            role: Role | None = None
            scopes = frozenset(principal.api_key.scopes)
        else:
            row = (
                await session.execute(
                    select(Tenant, Membership.role)
                    .join(Membership, Membership.tenant_id == Tenant.id)
                    .where(Tenant.id == tenant_id, Membership.user_id == principal.user.id)
                )
            ).first()
            if row is None:
                raise NotFound("Tenant not found")
            tenant, role = row
            scopes = role_scopes(role)
        for scope in needed:
            if scope.name not in scopes:
                raise Forbidden(f"This needs the '{scope}' permission")
        return TenantContext(tenant=tenant, principal=principal, role=role, scopes=scopes)

    names = "_".join(scope.name.replace(":", "_") for scope in needed)
    dependency.__name__ = f"tenant_access_{names}"
    return dependency


WorkspaceRead = Annotated[TenantContext, Depends(tenant_access(WORKSPACE_READ))]
WorkspaceWrite = Annotated[TenantContext, Depends(tenant_access(WORKSPACE_WRITE))]
MembersRead = Annotated[TenantContext, Depends(tenant_access(MEMBERS_READ))]
MembersWrite = Annotated[TenantContext, Depends(tenant_access(MEMBERS_WRITE))]
ApiKeysRead = Annotated[TenantContext, Depends(tenant_access(API_KEYS_READ))]
ApiKeysWrite = Annotated[TenantContext, Depends(tenant_access(API_KEYS_WRITE))]
