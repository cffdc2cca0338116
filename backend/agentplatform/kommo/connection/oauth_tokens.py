"""`OAuthTokenProvider`: the access token of an OAuth connection, refreshed one at a time.

Kommo rotates the pair on every refresh and revokes the whole grant when a refresh token is
used twice, so a refresh must happen once per account however many processes find the token
expired at the same moment:

- the refresh runs under a Redis lock per connection (waiters hold no database connection), and
  inside a transaction that locks the row (`SELECT ... FOR UPDATE`), which alone serialises the
  refreshes when Redis is down;
- under the locks, a stored access token that differs from the rejected one means another
  process refreshed already: that token is returned and the refresh token is not spent;
- the new pair is encrypted and committed in the provider's own transaction before it is
  returned, so it is never used unsaved (if the commit fails, Kommo keeps the old refresh token
  valid until the new pair is first used);
- a refused refresh (`KommoGrantRevoked`: revoked, expired, spent) marks the connection
  `reconnect_required` with the reason and returns `None`; nothing is sent to Kommo after that.

`get_token` refreshes shortly before the expiry, so most requests never meet a 401.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
from pydantic import SecretStr
from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.core.db import utcnow
from agentplatform.core.security import SecretBox, secret_box
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoGrantRevoked, KommoUnauthorized, KommoUnavailable
from agentplatform.kommo.client.oauth import TokenPair, refresh_grant
from agentplatform.kommo.connection.models import AuthKind, ConnectionStatus, KommoConnection
from agentplatform.kommo.connection.oauth import oauth_client

logger = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)
LOCK_TTL_SECONDS = 30.0  # a refresh holding the lock longer loses it (the row lock remains)
LOCK_WAIT_SECONDS = 35.0
LOCK_POLL_SECONDS = 0.05
TOKEN_TIMEOUT_SECONDS = 15.0


def refresh_lock_key(connection_id: uuid.UUID) -> str:
    return f"kommo:oauth:refresh:{connection_id}"


class OAuthTokenProvider:
    """An `AccessTokenProvider` over the stored grant of connection `connection_id`."""

    def __init__(
        self,
        connection_id: uuid.UUID,
        settings: Settings,
        redis: Redis,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        http: httpx.AsyncClient | None = None,
        margin: timedelta = REFRESH_MARGIN,
    ) -> None:
        self.connection_id = connection_id
        self._settings = settings
        self._redis = redis
        self._sessionmaker = sessionmaker
        self._http = http
        self._margin = margin
        self._token: SecretStr | None = None
        self._expires_at: datetime | None = None  # set with the token

    def __repr__(self) -> str:
        return f"OAuthTokenProvider(connection_id={self.connection_id}, token=**********)"

    # --- AccessTokenProvider -----------------------------------------------------------------

    async def get_token(self) -> str:
        if self._token is None:
            await self._load()
        assert self._token is not None
        current = self._token.get_secret_value()
        expires_at = self._expires_at
        if expires_at is None or expires_at - utcnow() > self._margin:
            return current
        try:
            fresh = await self.refresh(current)
        except KommoUnavailable:
            if expires_at > utcnow():
                return current  # still valid for a few minutes: try the refresh next time
            raise
        if fresh is None:
            raise KommoUnauthorized("The Kommo authorization was revoked: connect Kommo again")
        return fresh

    async def refresh(self, rejected: str) -> str | None:
        if self._token is not None and self._token.get_secret_value() != rejected:
            return self._token.get_secret_value()  # this provider has moved on already
        async with self._refresh_lock():
            return await self._refresh_locked(rejected)

    # --- the work -----------------------------------------------------------------------------

    async def _load(self) -> None:
        async with self._sessionmaker() as session:
            connection = await session.get(KommoConnection, self.connection_id)
            if connection is None or connection.auth_kind is not AuthKind.oauth:
                raise KommoUnauthorized("Kommo is not connected to this workspace")
            if connection.status is ConnectionStatus.reconnect_required:
                raise KommoUnauthorized(
                    "The Kommo authorization was revoked or expired: connect Kommo again"
                )
            self._remember(
                self._box().decrypt(connection.access_token_encrypted),
                connection.access_expires_at,
            )

    def _box(self) -> SecretBox:
        return secret_box(tuple(self._settings.encryption_key_list))

    def _remember(self, token: str, expires_at: datetime | None) -> None:
        self._token, self._expires_at = SecretStr(token), expires_at

    async def _refresh_locked(self, rejected: str) -> str | None:
        secrets = self._box()
        async with self._sessionmaker() as session, session.begin():
            connection = await session.scalar(
                select(KommoConnection)
                .where(KommoConnection.id == self.connection_id)
                .with_for_update()
            )
            if connection is None or connection.auth_kind is not AuthKind.oauth:
                self._token = None
                return None
            if connection.status is ConnectionStatus.reconnect_required:
                self._token = None
                return None
            stored = secrets.decrypt(connection.access_token_encrypted)
            if stored != rejected:
                self._remember(stored, connection.access_expires_at)
                return stored  # another process refreshed: its pair is the one to use
            refresh_token = (
                secrets.decrypt(connection.refresh_token_encrypted)
                if connection.refresh_token_encrypted
                else ""
            )
            if not refresh_token:
                self._mark_revoked(connection, "The stored Kommo grant has no refresh token")
                return None
            try:
                pair = await self._refresh_grant(connection.base_url, refresh_token)
            except KommoGrantRevoked as exc:
                self._mark_revoked(connection, f"Kommo refused to refresh the grant: {exc}")
                logger.warning(
                    "kommo grant revoked",
                    extra={"connection_id": str(self.connection_id), "reason": str(exc)},
                )
                return None
            access = pair.access_token.get_secret_value()
            connection.access_token_encrypted = secrets.encrypt(access)
            connection.refresh_token_encrypted = secrets.encrypt(
                pair.refresh_token.get_secret_value()
            )
            connection.access_expires_at = utcnow() + timedelta(seconds=pair.expires_in)
            connection.last_error = None
            expires_at = connection.access_expires_at
        # Committed: only now is the new token handed out.
        self._remember(access, expires_at)
        logger.info("kommo grant refreshed", extra={"connection_id": str(self.connection_id)})
        return access

    def _mark_revoked(self, connection: KommoConnection, reason: str) -> None:
        connection.status = ConnectionStatus.reconnect_required
        connection.last_error = reason
        self._token = None

    async def _refresh_grant(self, base_url: str, refresh_token: str) -> TokenPair:
        client = oauth_client(self._settings)
        if self._http is not None:
            return await refresh_grant(self._http, base_url, client, refresh_token)
        async with httpx.AsyncClient(timeout=TOKEN_TIMEOUT_SECONDS) as http:
            return await refresh_grant(http, base_url, client, refresh_token)

    @contextlib.asynccontextmanager
    async def _refresh_lock(self) -> AsyncIterator[None]:
        """The account's refresh lock in Redis; without Redis (or after waiting too long) the
        row lock taken inside the refresh is what serialises."""
        lock = self._redis.lock(
            refresh_lock_key(self.connection_id),
            timeout=LOCK_TTL_SECONDS,
            sleep=LOCK_POLL_SECONDS,
            blocking_timeout=LOCK_WAIT_SECONDS,
        )
        try:
            acquired = bool(await lock.acquire())
        except (RedisError, OSError) as exc:
            logger.warning(
                "kommo refresh lock unavailable, relying on the row lock",
                extra={"connection_id": str(self.connection_id), "error": type(exc).__name__},
            )
            acquired = False
        try:
            yield
        finally:
            if acquired:
                with contextlib.suppress(LockError, RedisError, OSError):
                    await lock.release()
