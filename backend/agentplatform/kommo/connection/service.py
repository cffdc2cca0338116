"""The stored connection: saving it (tokens encrypted), reading it, the webhook URL, and opening
a `KommoClient` on it.

`open_client` is the one way the rest of the Kommo domain reaches the account: syncs, actions and
webhook registration all call it and never see a token. A long-lived token needs no refresh; an
OAuth grant is refreshed by `oauth_tokens.OAuthTokenProvider` (one refresh at a time per
account), which reads and writes the row in its own transactions, hence the `sessionmaker`
(in the API `core.app_state.app_sessionmaker(request)`, in a job `ctx["sessionmaker"]`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import urlsplit

import httpx
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.core.errors import NotFound
from agentplatform.core.security import SecretBox, new_token, secret_box, token_hash
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import (
    AccessTokenProvider,
    KommoClient,
    KommoRateLimiter,
    StaticTokenProvider,
)
from agentplatform.kommo.client.models import Account
from agentplatform.kommo.connection.models import AuthKind, ConnectionStatus, KommoConnection
from agentplatform.kommo.connection.oauth_tokens import OAuthTokenProvider

WEBHOOK_PATH = "/api/v1/hooks/kommo"


def box(settings: Settings) -> SecretBox:
    return secret_box(tuple(settings.encryption_key_list))


async def find_connection(session: AsyncSession, tenant_id: uuid.UUID) -> KommoConnection | None:
    return await session.scalar(
        select(KommoConnection).where(KommoConnection.tenant_id == tenant_id)
    )


async def get_connection(session: AsyncSession, tenant_id: uuid.UUID) -> KommoConnection:
    connection = await find_connection(session, tenant_id)
    if connection is None:
        raise NotFound("Kommo is not connected to this workspace")
    return connection


async def connection_for_webhook(session: AsyncSession, token: str) -> KommoConnection | None:
    """The connection whose webhook URL carries `token` (None for a token nobody holds)."""
    return await session.scalar(
        select(KommoConnection).where(KommoConnection.webhook_token_hash == token_hash(token))
    )


async def save_connection(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    *,
    base_url: str,
    account: Account,
    auth_kind: AuthKind,
    access_token: str,
    refresh_token: str | None = None,
    access_expires_at: datetime | None = None,
    user_id: uuid.UUID | None = None,
) -> KommoConnection:
    """Store the workspace's connection (a reconnect replaces the tokens in place, keeping the
    webhook URL so that Kommo's registered webhooks stay valid)."""
    secrets = box(settings)
    connection = await find_connection(session, tenant_id)
    if connection is None:
        token = new_token("kwh_")
        connection = KommoConnection(
            tenant_id=tenant_id,
            webhook_token_encrypted=secrets.encrypt(token),
            webhook_token_hash=token_hash(token),
        )
        session.add(connection)
    connection.status = ConnectionStatus.connected
    connection.auth_kind = auth_kind
    connection.base_url = origin(base_url)
    connection.subdomain = account.subdomain
    connection.account_id = account.id
    connection.amojo_id = account.amojo_id
    if connection.user_id != account.current_user_id:
        connection.user_id = account.current_user_id
        connection.user_amojo_id = None  # learned again from the users list
    connection.access_token_encrypted = secrets.encrypt(access_token)
    connection.refresh_token_encrypted = secrets.encrypt(refresh_token) if refresh_token else None
    connection.access_expires_at = access_expires_at
    connection.connected_by = user_id
    connection.last_error = None
    await session.flush()
    return connection


def origin(url: str) -> str:
    parts = urlsplit(url if "://" in url else f"https://{url}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def webhook_token(settings: Settings, connection: KommoConnection) -> str:
    return box(settings).decrypt(connection.webhook_token_encrypted)


def webhook_url(settings: Settings, connection: KommoConnection, api_base: str) -> str:
    """Where Kommo posts this account's events: `api_base` is the API's public origin."""
    base = (settings.public_url or api_base).rstrip("/")
    return f"{base}{WEBHOOK_PATH}/{webhook_token(settings, connection)}"


def token_provider(
    connection: KommoConnection,
    settings: Settings,
    redis: Redis,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AccessTokenProvider:
    if connection.auth_kind is AuthKind.long_lived:
        return StaticTokenProvider(box(settings).decrypt(connection.access_token_encrypted))
    return OAuthTokenProvider(connection.id, settings, redis, sessionmaker)


_limiters: dict[int, KommoRateLimiter] = {}


def limiter_for(redis: Redis) -> KommoRateLimiter:
    """The process's limiter on this Redis (its local fallback schedule is per process)."""
    limiter = _limiters.get(id(redis))
    if limiter is None:
        limiter = _limiters[id(redis)] = KommoRateLimiter(redis)
    return limiter


def open_client(
    connection: KommoConnection,
    settings: Settings,
    redis: Redis,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    http: httpx.AsyncClient | None = None,
) -> KommoClient:
    """A client on the account (use as `async with`); its requests share the account's limit."""
    return KommoClient(
        connection.base_url,
        token_provider(connection, settings, redis, sessionmaker),
        limiter=limiter_for(redis),
        http=http,
    )
