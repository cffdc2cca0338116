"""Making, showing and undoing the connection: the OAuth consent and its callback, a private
integration's long-lived token, our webhooks on the account, disconnect, and Kommo's
"access revoked" hook.

A connect reads the account with the token it was just given (so a wrong token or host is
refused before anything is stored), saves the connection (tokens encrypted) and registers our
webhook (read the account's subscription for our URL, merge our events, write: Kommo replaces
the list). A webhook failure leaves the connection in place with the reason in `last_error`.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

import httpx
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.core.db import utcnow
from agentplatform.core.errors import FieldError, Forbidden, ValidationFailed
from agentplatform.core.security import token_hash
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import (
    KommoClient,
    KommoError,
    KommoForbidden,
    KommoGrantRevoked,
    KommoUnauthorized,
    StaticTokenProvider,
)
from agentplatform.kommo.client.models import Account, WebhookWrite
from agentplatform.kommo.client.oauth import exchange_code
from agentplatform.kommo.connection.models import AuthKind, ConnectionStatus, KommoConnection
from agentplatform.kommo.connection.oauth import (
    STATE_TTL_SECONDS,
    HostRefused,
    StateRefused,
    account_base_url,
    consent_url,
    oauth_client,
    oauth_configured,
    revoke_signature_valid,
    sign_state,
    spend_state,
    verify_state,
)
from agentplatform.kommo.connection.schemas import (
    AuthorizeUrl,
    ConnectionState,
    DeliveryCounts,
    DisconnectResult,
    KommoStatus,
)
from agentplatform.kommo.connection.service import (
    WEBHOOK_PATH,
    box,
    find_connection,
    limiter_for,
    open_client,
    save_connection,
    webhook_token,
    webhook_url,
)
from agentplatform.kommo.deps import INTEGRATIONS_WRITE
from agentplatform.kommo.sync.schemas import SyncRunRead
from agentplatform.kommo.sync.service import latest_runs, request_sync
from agentplatform.kommo.webhooks.service import delivery_counts
from agentplatform.tenancy.grants import UserPrincipal, resolve_session_grant

logger = logging.getLogger(__name__)

# The account events we subscribe to (API.md §2.1; `add_message` is the incoming chat message).
WEBHOOK_SETTINGS: tuple[str, ...] = (
    "add_lead",
    "update_lead",
    "status_lead",
    "responsible_lead",
    "delete_lead",
    "restore_lead",
    "note_lead",
    "add_contact",
    "update_contact",
    "delete_contact",
    "note_contact",
    "add_company",
    "update_company",
    "add_task",
    "update_task",
    "add_message",
    "add_talk",
    "update_talk",
    "add_unsorted",
)
HTTP_TIMEOUT_SECONDS = 15.0


class ConnectFailed(Exception):
    """The consent came back but the account could not be connected; `reason` for the SPA."""

    def __init__(self, reason: str, tenant_id: uuid.UUID, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.tenant_id = tenant_id


@dataclass(frozen=True)
class CallbackParams:
    code: str | None
    state: str | None
    referer: str | None
    error: str | None
    session_token: str | None  # the session cookie the browser came back with


# --- OAuth ------------------------------------------------------------------------------------


def authorize(settings: Settings, tenant_id: uuid.UUID, user_id: uuid.UUID) -> AuthorizeUrl:
    oauth_client(settings)  # 409 when the integration is not configured
    state = sign_state(settings, tenant_id, user_id)
    return AuthorizeUrl(url=consent_url(settings, state), expires_in=STATE_TTL_SECONDS)


async def complete_oauth(
    session: AsyncSession,
    settings: Settings,
    redis: Redis,
    params: CallbackParams,
    *,
    api_base: str,
) -> KommoConnection:
    """The consent's callback: the state proven ours, unexpired and unspent, and the browser
    signed in as the person who asked; then the code exchanged at the account's own host.
    Raises `StateRefused` or `ConnectFailed`."""
    claims = verify_state(settings, params.state)
    tenant_id = claims.tenant_id
    await _require_same_user(session, params.session_token, tenant_id, claims.user_id)
    await spend_state(redis, claims)
    if params.error:
        raise ConnectFailed("access_denied", tenant_id, f"Kommo answered {params.error}")
    if not params.code or not params.referer:
        raise ConnectFailed("missing_code", tenant_id)
    try:
        base_url = account_base_url(settings, params.referer)
    except HostRefused as exc:
        raise ConnectFailed("account_host_refused", tenant_id, str(exc)) from exc
    client = oauth_client(settings)
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS, follow_redirects=False) as http:
        try:
            pair = await exchange_code(http, base_url, client, params.code)
        except KommoGrantRevoked as exc:
            raise ConnectFailed("code_rejected", tenant_id, str(exc)) from exc
        except KommoError as exc:
            raise ConnectFailed("kommo_unavailable", tenant_id, str(exc)) from exc
        access = pair.access_token.get_secret_value()
        kommo = _client(base_url, access, redis, http)
        try:
            account = await kommo.account()
        except KommoError as exc:
            raise ConnectFailed("kommo_unavailable", tenant_id, str(exc)) from exc
        connection = await save_connection(
            session,
            settings,
            tenant_id,
            base_url=base_url,
            account=account,
            auth_kind=AuthKind.oauth,
            access_token=access,
            refresh_token=pair.refresh_token.get_secret_value(),
            access_expires_at=utcnow() + timedelta(seconds=pair.expires_in),
            user_id=claims.user_id,
        )
        await _register_webhooks(settings, connection, kommo, api_base)
    await request_sync(session, tenant_id, reason="connect", requested_by=claims.user_id)
    logger.info("kommo connected", extra={"tenant_id": str(tenant_id), "auth": "oauth"})
    return connection


async def _require_same_user(
    session: AsyncSession, session_token: str | None, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    """Only the person who started the consent completes it, in their own browser: otherwise a
    link with someone else's state could connect the victim's Kommo to another workspace."""
    grant = (
        await resolve_session_grant(session, token_hash(session_token), tenant_id)
        if session_token
        else None
    )
    if (
        grant is None
        or grant.tenant is None
        or not isinstance(grant.principal, UserPrincipal)
        or grant.principal.user.id != user_id
        or INTEGRATIONS_WRITE.name not in grant.scopes
    ):
        raise StateRefused("not_signed_in", tenant_id)


# --- a private integration's long-lived token ----------------------------------------------


async def connect_long_lived(
    session: AsyncSession,
    settings: Settings,
    redis: Redis,
    tenant_id: uuid.UUID,
    *,
    account_url: str,
    token: str,
    user_id: uuid.UUID | None,
    api_base: str,
) -> KommoConnection:
    try:
        base_url = account_base_url(settings, account_url)
    except HostRefused as exc:
        raise ValidationFailed(
            str(exc), errors=[FieldError.at("body.account_url", str(exc), "host_not_allowed")]
        ) from exc
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS, follow_redirects=False) as http:
        kommo = _client(base_url, token, redis, http)
        account = await _verify_token(kommo)
        connection = await save_connection(
            session,
            settings,
            tenant_id,
            base_url=base_url,
            account=account,
            auth_kind=AuthKind.long_lived,
            access_token=token,
            user_id=user_id,
        )
        await _register_webhooks(settings, connection, kommo, api_base)
    await request_sync(session, tenant_id, reason="connect", requested_by=user_id)
    logger.info("kommo connected", extra={"tenant_id": str(tenant_id), "auth": "long_lived"})
    return connection


async def _verify_token(kommo: KommoClient) -> Account:
    try:
        return await kommo.account()
    except (KommoUnauthorized, KommoForbidden) as exc:
        message = "Kommo refused this token for the account (wrong account, expired or revoked)"
        raise ValidationFailed(
            message, errors=[FieldError.at("body.token", message, "token_rejected")]
        ) from exc


# --- webhooks ------------------------------------------------------------------------------


def _client(base_url: str, token: str, redis: Redis, http: httpx.AsyncClient) -> KommoClient:
    """A client on the token just received (the connection is not committed yet); `http` is
    the caller's, so the client needs no closing."""
    return KommoClient(base_url, StaticTokenProvider(token), limiter=limiter_for(redis), http=http)


async def _register_webhooks(
    settings: Settings, connection: KommoConnection, kommo: KommoClient, api_base: str
) -> None:
    destination = webhook_url(settings, connection, api_base)
    try:
        existing = await kommo.list_webhooks(destination)
        merged = set(WEBHOOK_SETTINGS).union(*(hook.settings for hook in existing))
        await kommo.subscribe_webhook(
            WebhookWrite(destination=destination, settings=sorted(merged))
        )
    except KommoError as exc:
        connection.last_error = f"Our webhook could not be registered in Kommo: {exc}"
        logger.warning("kommo webhooks not registered", extra={"error": str(exc)})
        return
    connection.webhooks_registered_at = utcnow()
    connection.last_error = None


def _ours(settings: Settings, connection: KommoConnection, destination: str) -> bool:
    return destination.endswith(f"{WEBHOOK_PATH}/{webhook_token(settings, connection)}")


# --- disconnect and status --------------------------------------------------------------------


async def disconnect(
    session: AsyncSession,
    settings: Settings,
    redis: Redis,
    sessionmaker: async_sessionmaker[AsyncSession],
    connection: KommoConnection,
) -> DisconnectResult:
    """Remove our webhooks from the account (best effort, reported) and forget the connection
    with its tokens."""
    tenant_id = connection.tenant_id
    removed, error = 0, None
    if connection.status is ConnectionStatus.connected:
        kommo = open_client(connection, settings, redis, sessionmaker)
        try:
            for hook in await kommo.list_webhooks():
                if _ours(settings, connection, hook.destination):
                    await kommo.unsubscribe_webhook(hook.destination)
                    removed += 1
        except KommoError as exc:
            error = f"Kommo could not be asked to remove our webhooks: {exc}"
        finally:
            await kommo.aclose()
    else:
        error = (
            "The Kommo authorization is no longer valid, so our webhooks could not be removed: "
            "delete them in Kommo (Settings, Integrations, Web hooks)"
        )
    await session.delete(connection)
    await session.flush()
    logger.info("kommo disconnected", extra={"tenant_id": str(tenant_id), "removed": removed})
    return DisconnectResult(webhooks_removed=removed, webhook_error=error)


async def connection_status(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID, *, api_base: str
) -> KommoStatus:
    available = oauth_configured(settings)
    connection = await find_connection(session, tenant_id)
    if connection is None:
        return KommoStatus(state=ConnectionState.not_connected, oauth_available=available)
    received, failed = await delivery_counts(session, tenant_id, utcnow() - timedelta(hours=24))
    return KommoStatus(
        state=ConnectionState(connection.status.value),
        oauth_available=available,
        auth_kind=connection.auth_kind,
        account_id=connection.account_id,
        subdomain=connection.subdomain,
        base_url=connection.base_url,
        access_expires_at=connection.access_expires_at,
        webhook_url=webhook_url(settings, connection, api_base),
        webhooks_registered_at=connection.webhooks_registered_at,
        last_error=connection.last_error,
        syncs=[
            SyncRunRead.model_validate(run)
            for run in (await latest_runs(session, tenant_id)).values()
        ],
        deliveries_24h=DeliveryCounts(received=received, failed=failed),
    )


# --- Kommo's access-revoked hook --------------------------------------------------------------


async def access_revoked(
    session: AsyncSession, settings: Settings, *, client_uuid: str, account_id: str, signature: str
) -> int:
    """The integration was disabled in account `account_id`: its OAuth connections need a new
    consent, and their tokens (dead now) are dropped. Returns how many were marked."""
    if not revoke_signature_valid(settings, client_uuid, account_id, signature):
        raise Forbidden("The signature of the access-revoked notification is not valid")
    try:
        account = int(account_id)
    except ValueError as exc:
        raise Forbidden("The access-revoked notification names no account") from exc
    connections = (
        await session.scalars(
            select(KommoConnection).where(
                KommoConnection.account_id == account,
                KommoConnection.auth_kind == AuthKind.oauth,
            )
        )
    ).all()
    secrets = box(settings)
    for connection in connections:
        connection.status = ConnectionStatus.reconnect_required
        connection.last_error = "The integration was disabled in Kommo: connect Kommo again"
        connection.access_token_encrypted = secrets.encrypt("")
        connection.refresh_token_encrypted = None
        connection.access_expires_at = None
    await session.flush()
    logger.info("kommo access revoked", extra={"account_id": account, "marked": len(connections)})
    return len(connections)
