"""The one choke point for authentication and tenant scoping.

Every route under `/api/v1/tenants/{tenant_id}` takes a `TenantContext` built here: the caller is
authenticated (API key or session cookie), must belong to the tenant (otherwise 404, so that ids
of other tenants reveal nothing) and must hold the route's scope (otherwise 403).

The credential, membership, tenant and scopes come from one query (`grants.py`), kept for a few
seconds by the process's `GrantCache`, whose entries logout, revocation, removal and role changes
invalidate at once in every process. What is checked on every request whatever the cache says:
the scope, the API key's rate limit and, for cookie-authenticated writes, the request's origin.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Request

from agentplatform.core.app_state import app_settings
from agentplatform.core.db import SessionDep
from agentplatform.core.domain import Scope
from agentplatform.core.errors import CsrfRejected, Forbidden, NotFound, Unauthorized
from agentplatform.core.ratelimit import PendingHit, RateLimiter
from agentplatform.core.security import token_hash
from agentplatform.core.settings import Settings
from agentplatform.tenancy.api_keys_service import KEY_PREFIX
from agentplatform.tenancy.grants import (
    ApiKeyPrincipal,
    Grant,
    GrantCache,
    Principal,
    TenantInfo,
    UserInfo,
    UserPrincipal,
    resolve_key_grant,
    resolve_session_grant,
    touch,
)
from agentplatform.tenancy.models import Role
from agentplatform.tenancy.scopes import (
    API_KEYS_READ,
    API_KEYS_WRITE,
    MEMBERS_READ,
    MEMBERS_WRITE,
    WORKSPACE_READ,
    WORKSPACE_WRITE,
)

__all__ = ["ApiKeyPrincipal", "Principal", "TenantContext", "UserPrincipal", "tenant_access"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class TenantContext:
    tenant: TenantInfo
    principal: Principal
    role: Role | None
    scopes: frozenset[str]

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.tenant.id

    @property
    def user(self) -> UserInfo | None:
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


@dataclass(frozen=True)
class Credential:
    kind: Literal["api_key", "session"]
    token_hash: str


def credential(request: Request, settings: Settings) -> Credential:
    """The API key (`Authorization: Bearer`) or else the session cookie, hashed; 401 without."""
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("Send an API key as 'Authorization: Bearer <key>'")
        if not token.startswith(KEY_PREFIX):
            raise Unauthorized("The API key is invalid, expired or revoked")
        return Credential("api_key", token_hash(token))
    cookie = request.cookies.get(settings.session_cookie_name)
    if cookie:
        return Credential("session", token_hash(cookie))
    raise Unauthorized("Sign in or send an API key")


async def _admit(
    request: Request,
    settings: Settings,
    found: Credential,
    grant: Grant | None,
    pending: tuple[PendingHit, object] | None = None,
) -> Grant:
    """What holds on every request, cached grant or not: 401, the key's rate limit, CSRF.

    `pending`: the key's hit, already counted in the round trip that read the grant's epochs,
    with its answer (`tenant_access`); else it is counted here."""
    if grant is None:
        if found.kind == "api_key":
            raise Unauthorized("The API key is invalid, expired or revoked")
        raise Unauthorized("The session has expired; sign in again")
    if isinstance(grant.principal, ApiKeyPrincipal):
        limiter: RateLimiter = request.app.state.rate_limiter
        key_id = str(grant.principal.api_key.id)
        if pending is not None and pending[0].identifiers == ("api_key", key_id):
            await limiter.settle(*pending)
        else:
            await limiter.hit(settings.rate_limit_api_key, "api_key", key_id)
    elif request.method not in SAFE_METHODS:
        check_same_origin(request, settings)
    return grant


def _resolver(found: Credential) -> Callable[..., Awaitable[Grant | None]]:
    return resolve_key_grant if found.kind == "api_key" else resolve_session_grant


async def authenticate(request: Request, session: SessionDep) -> Principal:
    """The caller, for routes outside a tenant (`/auth/me`, `/tenants`); not cached."""
    settings = app_settings(request)
    found = credential(request, settings)
    grant = await _admit(
        request, settings, found, await _resolver(found)(session, found.token_hash, None)
    )
    return (await touch(session, grant)).principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


async def current_user(principal: CurrentPrincipal) -> UserPrincipal:
    if not isinstance(principal, UserPrincipal):
        raise Forbidden("This action needs a signed-in user, not an API key")
    return principal


CurrentUser = Annotated[UserPrincipal, Depends(current_user)]


def tenant_access(*needed: Scope) -> Callable[..., Awaitable[TenantContext]]:
    """The tenant context of a route that needs every scope in `needed`."""

    async def dependency(
        tenant_id: uuid.UUID, request: Request, session: SessionDep
    ) -> TenantContext:
        settings = app_settings(request)
        found = credential(request, settings)
        cache: GrantCache = request.app.state.grant_cache
        resolve = _resolver(found)

        limiter: RateLimiter = request.app.state.rate_limiter
        queued: PendingHit | None = None

        async def load() -> Grant | None:
            return await resolve(session, found.token_hash, tenant_id)

        def count_key_hit(cached: Grant, pipe: Any) -> None:
            # A cached key: its hit rides with the epochs' MGET (one round trip, not two).
            nonlocal queued
            if isinstance(cached.principal, ApiKeyPrincipal):
                key_id = str(cached.principal.api_key.id)
                queued = limiter.queue_hit(pipe, settings.rate_limit_api_key, "api_key", key_id)

        along = count_key_hit if found.kind == "api_key" else None
        grant, extra = await cache.grant_along(
            request.app.state.redis, found.token_hash, tenant_id, load, along
        )
        pending = (queued, extra[0]) if queued is not None and extra else None
        grant = await _admit(request, settings, found, grant, pending)
        tenant = grant.tenant
        if tenant is None:
            raise NotFound("Tenant not found")
        touched = await touch(session, grant)
        if touched is not grant:
            cache.replace(found.token_hash, tenant_id, touched)
        for scope in needed:
            if scope.name not in grant.scopes:
                raise Forbidden(f"This needs the '{scope}' permission")
        return TenantContext(
            tenant=tenant, principal=touched.principal, role=grant.role, scopes=grant.scopes
        )

    names = "_".join(scope.name.replace(":", "_") for scope in needed)
    dependency.__name__ = f"tenant_access_{names}"
    return dependency


WorkspaceRead = Annotated[TenantContext, Depends(tenant_access(WORKSPACE_READ))]
WorkspaceWrite = Annotated[TenantContext, Depends(tenant_access(WORKSPACE_WRITE))]
MembersRead = Annotated[TenantContext, Depends(tenant_access(MEMBERS_READ))]
MembersWrite = Annotated[TenantContext, Depends(tenant_access(MEMBERS_WRITE))]
ApiKeysRead = Annotated[TenantContext, Depends(tenant_access(API_KEYS_READ))]
ApiKeysWrite = Annotated[TenantContext, Depends(tenant_access(API_KEYS_WRITE))]
