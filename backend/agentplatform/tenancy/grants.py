"""Who is calling and what they may do in a tenant: resolved in one query, cached for seconds.

`resolve_session_grant` / `resolve_key_grant` answer, in one query each, the principal (session
and user, or API key), the tenant, the role and the scopes for a credential and a tenant id. The
answers are frozen snapshots (`TenantInfo`, `UserInfo`, ...), never ORM rows, so one can be kept.

`GrantCache` (one per process, `app.state.grant_cache`) keeps a grant for `AUTH_CACHE_SECONDS`
(default 5) under the credential's hash and the tenant id. Each entry records three epochs
(`core.epochs`), read from Redis before the database was: `all`, `tenant:<id>` and
`token:<hash>`; a hit first reads them again (one MGET) and is used only if none moved. Every
flush that changes what a grant says marks the epochs it affects (`_mark_changed_grants`, an
ORM event, so no service can forget), and they are bumped right after the commit:

| change (any code path through the ORM)               | epoch bumped        |
|------------------------------------------------------|---------------------|
| session revoked or its expiry changed (logout)       | `token:<its hash>`  |
| API key revoked, re-scoped, expiry changed, deleted  | `token:<its hash>`  |
| membership role changed or membership removed        | `tenant:<id>`       |
| tenant updated or deleted                            | `tenant:<id>`       |
| user deactivated, renamed, password or email changed | `all`               |

So logout, revocation, removal and role changes hold on every API process for the very next
request. If Redis cannot be read, the cache is skipped (database every time), never trusted;
new grants (a new member, a new key) need no bump because misses and refusals are not cached.
Bulk `update()`/`delete()` statements on these tables bypass the ORM event and must call
`bump_after_commit` themselves.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from arq import ArqRedis
from sqlalchemy import and_, event, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction

from agentplatform.core.db import utcnow
from agentplatform.core.epochs import bump_after_commit, epochs_from, queue_epochs, read_epochs
from agentplatform.core.redis import REDIS_ERRORS
from agentplatform.tenancy.models import ApiKey, AuthSession, Membership, Role, Tenant, User
from agentplatform.tenancy.scopes import role_scopes

logger = logging.getLogger(__name__)

# Refresh `last_seen_at` / `last_used_at` at most this often, so that reads don't write each time.
SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
KEY_TOUCH_INTERVAL = timedelta(seconds=60)
_WARN_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class TenantInfo:
    id: uuid.UUID
    name: str
    slug: str
    timezone: str
    locale: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class UserInfo:
    id: uuid.UUID
    email: str
    name: str


@dataclass(frozen=True)
class SessionInfo:
    id: uuid.UUID
    user_id: uuid.UUID
    expires_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class ApiKeyInfo:
    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    scopes: tuple[str, ...]
    expires_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class UserPrincipal:
    user: UserInfo
    auth_session: SessionInfo


@dataclass(frozen=True)
class ApiKeyPrincipal:
    api_key: ApiKeyInfo


Principal = UserPrincipal | ApiKeyPrincipal


@dataclass(frozen=True)
class Grant:
    """A principal's standing in one tenant; `tenant` None: authenticated, but not a member."""

    principal: Principal
    tenant: TenantInfo | None
    role: Role | None
    scopes: frozenset[str]

    @property
    def expires_at(self) -> datetime | None:
        if isinstance(self.principal, UserPrincipal):
            return self.principal.auth_session.expires_at
        return self.principal.api_key.expires_at


# --- one query per credential ------------------------------------------------------------------

_TENANT_COLUMNS = (
    Tenant.id,
    Tenant.name,
    Tenant.slug,
    Tenant.timezone,
    Tenant.locale,
    Tenant.created_at,
    Tenant.updated_at,
)
_USER_COLUMNS = (User.id, User.email, User.name)
_SESSION_COLUMNS = (
    AuthSession.id,
    AuthSession.user_id,
    AuthSession.expires_at,
    AuthSession.last_seen_at,
)
_KEY_COLUMNS = (
    ApiKey.id,
    ApiKey.tenant_id,
    ApiKey.name,
    ApiKey.scopes,
    ApiKey.expires_at,
    ApiKey.last_used_at,
)


def _tenant(values: tuple[Any, ...]) -> TenantInfo | None:
    return None if values[0] is None else TenantInfo(*values)


async def resolve_session_grant(
    session: AsyncSession, token_hash: str, tenant_id: uuid.UUID | None
) -> Grant | None:
    """The signed-in user's grant in `tenant_id` (tenant None when not a member, or when no
    tenant is asked for); None when the session is unknown, revoked or expired."""
    membership = and_(Membership.user_id == User.id, Membership.tenant_id == tenant_id)
    stmt = (
        select(*_USER_COLUMNS, *_SESSION_COLUMNS, *_TENANT_COLUMNS, Membership.role)
        .select_from(AuthSession)
        .join(User, User.id == AuthSession.user_id)
        .outerjoin(Membership, membership)
        .outerjoin(Tenant, Tenant.id == Membership.tenant_id)
        .where(
            AuthSession.token_hash == token_hash,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > utcnow(),
            User.is_active.is_(True),
        )
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        return None
    values = tuple(row)
    n_user, n_session, n_tenant = len(_USER_COLUMNS), len(_SESSION_COLUMNS), len(_TENANT_COLUMNS)
    user = UserInfo(*values[:n_user])
    auth_session = SessionInfo(*values[n_user : n_user + n_session])
    tenant = _tenant(values[n_user + n_session : n_user + n_session + n_tenant])
    role: Role | None = values[-1] if tenant is not None else None
    scopes = role_scopes(role) if role is not None else frozenset()
    return Grant(UserPrincipal(user, auth_session), tenant, role, scopes)


async def resolve_key_grant(
    session: AsyncSession, key_hash: str, tenant_id: uuid.UUID | None
) -> Grant | None:
    """The API key's grant in `tenant_id` (tenant None when the key is another tenant's);
    None when the key is unknown, revoked or expired."""
    now = utcnow()
    stmt = (
        select(*_KEY_COLUMNS, *_TENANT_COLUMNS)
        .select_from(ApiKey)
        .outerjoin(Tenant, and_(Tenant.id == ApiKey.tenant_id, Tenant.id == tenant_id))
        .where(
            ApiKey.key_hash == key_hash,
            ApiKey.revoked_at.is_(None),
            or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now),
        )
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        return None
    values = tuple(row)
    key_id, key_tenant, name, scopes, expires_at, last_used_at = values[: len(_KEY_COLUMNS)]
    api_key = ApiKeyInfo(key_id, key_tenant, name, tuple(scopes), expires_at, last_used_at)
    tenant = _tenant(values[len(_KEY_COLUMNS) :])
    granted = frozenset(api_key.scopes) if tenant is not None else frozenset()
    return Grant(ApiKeyPrincipal(api_key), tenant, None, granted)


async def touch(session: AsyncSession, grant: Grant) -> Grant:
    """Record use (`last_seen_at`, `last_used_at`) at most once per interval; the grant as
    written. A plain UPDATE: it changes no grant, so it bumps no epoch."""
    now = utcnow()
    principal = grant.principal
    if isinstance(principal, UserPrincipal):
        if now - principal.auth_session.last_seen_at <= SESSION_TOUCH_INTERVAL:
            return grant
        await session.execute(
            update(AuthSession)
            .where(AuthSession.id == principal.auth_session.id)
            .values(last_seen_at=now)
        )
        seen = replace(principal.auth_session, last_seen_at=now)
        return replace(grant, principal=replace(principal, auth_session=seen))
    last = principal.api_key.last_used_at
    if last is not None and now - last <= KEY_TOUCH_INTERVAL:
        return grant
    await session.execute(
        update(ApiKey).where(ApiKey.id == principal.api_key.id).values(last_used_at=now)
    )
    used = replace(principal.api_key, last_used_at=now)
    return replace(grant, principal=ApiKeyPrincipal(used))


# --- the per-process cache ---------------------------------------------------------------------


def epoch_names(token_hash: str, tenant_id: uuid.UUID) -> tuple[str, str, str]:
    return ("all", f"tenant:{tenant_id}", f"token:{token_hash}")


@dataclass(frozen=True)
class _Entry:
    grant: Grant
    epochs: tuple[bytes | None, ...]
    fresh_until: float  # on the cache's clock


class GrantCache:
    """Grants by (credential hash, tenant id), trusted for `ttl_seconds` while their epochs hold.

    Only complete grants (a member, a key of this tenant) are kept; `ttl_seconds` 0 turns the
    cache off. `hits` and `misses` count lookups, for tests and curiosity.
    """

    def __init__(
        self,
        ttl_seconds: float,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        budget: float = 0.5,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.budget = budget  # seconds Redis may take to say the epochs before we go without
        self.clock = clock
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._entries: dict[tuple[str, uuid.UUID], _Entry] = {}
        self._last_warning = -math.inf

    async def grant(
        self,
        redis: ArqRedis | None,
        token_hash: str,
        tenant_id: uuid.UUID,
        load: Callable[[], Awaitable[Grant | None]],
    ) -> Grant | None:
        """The cached grant when its epochs are unchanged and it is fresh, else `load()`'s."""
        grant, _ = await self.grant_along(redis, token_hash, tenant_id, load, None)
        return grant

    async def grant_along(
        self,
        redis: ArqRedis | None,
        token_hash: str,
        tenant_id: uuid.UUID,
        load: Callable[[], Awaitable[Grant | None]],
        along: Callable[[Grant, Any], None] | None,
    ) -> tuple[Grant | None, list[Any] | None]:
        """`grant`, and: when an entry is cached, `along(its grant, pipeline)` may queue more
        commands behind the epochs' MGET, in the same round trip (the API key's rate limit).
        Their results (errors included, as values) come second; None when nothing was queued
        or Redis could not be read."""
        if self.ttl_seconds <= 0 or redis is None:
            return await load(), None
        key = (token_hash, tenant_id)
        entry = self._entries.get(key)
        names = epoch_names(token_hash, tenant_id)
        extra: list[Any] | None = None
        try:
            async with asyncio.timeout(self.budget):
                if entry is not None and along is not None:
                    async with redis.pipeline(transaction=False) as pipe:
                        queue_epochs(pipe, names)
                        along(entry.grant, pipe)
                        results = await pipe.execute(raise_on_error=False)
                    epochs = epochs_from(results[0])
                    extra = results[1:] or None
                else:
                    epochs = await read_epochs(redis, names)
        except REDIS_ERRORS as exc:
            # Without the epochs a cached grant might be stale: go to the database instead.
            self._entries.pop(key, None)
            self._warn_unavailable(exc)
            return await load(), None
        if entry is not None and self._usable(entry, epochs):
            self.hits += 1
            return entry.grant, extra
        self.misses += 1
        grant = await load()
        if grant is None or grant.tenant is None:
            self._entries.pop(key, None)
        else:
            self._store(key, _Entry(grant, epochs, self.clock() + self.ttl_seconds))
        return grant, extra

    def replace(self, token_hash: str, tenant_id: uuid.UUID, grant: Grant) -> None:
        """Keep `grant` (e.g. after `touch`) in place of the cached one, with the same epochs."""
        key = (token_hash, tenant_id)
        entry = self._entries.get(key)
        if entry is not None:
            self._entries[key] = replace(entry, grant=grant)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _usable(self, entry: _Entry, epochs: tuple[bytes | None, ...]) -> bool:
        if entry.epochs != epochs or entry.fresh_until <= self.clock():
            return False
        expires_at = entry.grant.expires_at
        return expires_at is None or expires_at > utcnow()

    def _store(self, key: tuple[str, uuid.UUID], entry: _Entry) -> None:
        if len(self._entries) >= self.max_entries:
            now = self.clock()
            self._entries = {k: e for k, e in self._entries.items() if e.fresh_until > now}
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
        self._entries[key] = entry

    def _warn_unavailable(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._last_warning >= _WARN_EVERY_SECONDS:
            self._last_warning = now
            logger.warning(
                "grant cache epochs unavailable; authorising from the database",
                extra={"error": f"{type(exc).__name__}: {exc}"},
            )


# --- invalidation: every flush that changes a grant marks its epochs ---------------------------

# Columns whose change alters no grant (use timestamps), so touching them bumps nothing.
_IGNORED = frozenset({"last_seen_at", "last_used_at", "last_login_at", "user_agent", "ip_address"})


def _changed(obj: object) -> bool:
    state = inspect(obj)
    return any(attr.key not in _IGNORED and attr.history.has_changes() for attr in state.attrs)


def _epochs_of(obj: object, deleted: bool) -> list[str]:
    if not deleted and not _changed(obj):
        return []
    if isinstance(obj, AuthSession):
        return [f"token:{obj.token_hash}"]
    if isinstance(obj, ApiKey):
        return [f"token:{obj.key_hash}"]
    if isinstance(obj, Membership | Tenant):
        return [f"tenant:{obj.tenant_id if isinstance(obj, Membership) else obj.id}"]
    if isinstance(obj, User):
        return ["all"]
    return []


@event.listens_for(Session, "after_flush")
def _mark_changed_grants(session: Session, flush_context: UOWTransaction) -> None:
    names: list[str] = []
    for obj in session.dirty:
        names += _epochs_of(obj, deleted=False)
    for obj in session.deleted:
        names += _epochs_of(obj, deleted=True)
    if names:
        bump_after_commit(session, *names)
