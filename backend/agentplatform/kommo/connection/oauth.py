"""The public integration's OAuth pieces that need no database: its identity and redirect URI,
the signed `state` of a consent, the consent URL, which hosts an account may live on, and the
signature of Kommo's "access revoked" hook.

`state` is `<payload>.<mac>`: the payload (base64url JSON) names the tenant, the user who asked,
a nonce and the expiry; the MAC is HMAC-SHA256 under a key derived from `SECRET_KEY`. It lives
10 minutes and is spent once (`SET NX` on its nonce in Redis), so a captured callback URL cannot
be replayed and a forged one cannot name another workspace.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import orjson
from pydantic import SecretStr
from redis.asyncio import Redis
from redis.exceptions import RedisError

from agentplatform.core.errors import Conflict
from agentplatform.core.settings import Settings
from agentplatform.kommo.client.oauth import OAuthClient

CALLBACK_PATH = "/api/v1/integrations/kommo/callback"
REVOKED_PATH = "/api/v1/integrations/kommo/revoked"
STATE_TTL_SECONDS = 600
_STATE_KEY = "kommo:oauth:state:"
_LOOPBACK_NAMES = frozenset({"localhost"})


class OAuthNotConfigured(Conflict):
    code = "kommo-oauth-not-configured"
    title = "Kommo OAuth is not configured"

    def __init__(self) -> None:
        super().__init__(
            "KOMMO_CLIENT_ID and KOMMO_CLIENT_SECRET are not set, so accounts cannot connect "
            "through Kommo's consent page; a private integration's long-lived token still works "
            "(POST .../integrations/kommo/token)"
        )


def redirect_uri(settings: Settings) -> str:
    """The integration's registered Redirect URI: the same for the exchange and every refresh
    (Kommo checks it), so it comes from `PUBLIC_URL`, not from a request."""
    base = (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    return f"{base}{CALLBACK_PATH}"


def oauth_configured(settings: Settings) -> bool:
    return bool(settings.kommo_client_id and settings.kommo_client_secret)


def oauth_client(settings: Settings) -> OAuthClient:
    if not settings.kommo_client_id or settings.kommo_client_secret is None:
        raise OAuthNotConfigured()
    return OAuthClient(
        client_id=settings.kommo_client_id,
        client_secret=SecretStr(settings.kommo_client_secret.get_secret_value()),
        redirect_uri=redirect_uri(settings),
    )


# --- state ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateClaims:
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    nonce: str
    expires_at: float


class StateRefused(Exception):
    """The callback's `state` is not ours, is spent or has expired. `reason` is a short code
    for the SPA; `tenant_id` is known only when the state was authentic."""

    def __init__(self, reason: str, tenant_id: uuid.UUID | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.tenant_id = tenant_id


def _state_key(settings: Settings) -> bytes:
    secret = settings.secret_key.get_secret_value().encode()
    return hmac.new(secret, b"kommo-oauth-state", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_state(
    settings: Settings, tenant_id: uuid.UUID, user_id: uuid.UUID, *, now: float | None = None
) -> str:
    expires = (now if now is not None else time.time()) + STATE_TTL_SECONDS
    payload = _b64(
        orjson.dumps(
            {"t": str(tenant_id), "u": str(user_id), "n": secrets.token_urlsafe(16), "e": expires}
        )
    )
    mac = hmac.new(_state_key(settings), payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{_b64(mac)}"


def verify_state(settings: Settings, state: str | None, *, now: float | None = None) -> StateClaims:
    """The claims of an authentic, unexpired `state` (not yet checked for reuse)."""
    if not state or state.count(".") != 1 or len(state) > 1024:
        raise StateRefused("state_invalid")
    payload, mac = state.split(".")
    expected = hmac.new(_state_key(settings), payload.encode(), hashlib.sha256).digest()
    try:
        given = _unb64(mac)
        data = orjson.loads(_unb64(payload))
        if not hmac.compare_digest(expected, given):
            raise StateRefused("state_invalid")
        claims = StateClaims(
            tenant_id=uuid.UUID(data["t"]),
            user_id=uuid.UUID(data["u"]),
            nonce=str(data["n"]),
            expires_at=float(data["e"]),
        )
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError) as exc:
        raise StateRefused("state_invalid") from exc
    if (now if now is not None else time.time()) > claims.expires_at:
        raise StateRefused("state_expired", claims.tenant_id)
    return claims


async def spend_state(redis: Redis, claims: StateClaims) -> None:
    """Mark the state used; a second callback with it is refused. Without Redis no state can
    be proven unused, so the callback is refused too (the person simply tries again)."""
    ttl = max(1, int(claims.expires_at - time.time()) + 1)
    try:
        fresh = await redis.set(f"{_STATE_KEY}{claims.nonce}", "1", nx=True, ex=ttl)
    except (RedisError, OSError) as exc:
        raise StateRefused("try_again", claims.tenant_id) from exc
    if not fresh:
        raise StateRefused("state_used", claims.tenant_id)


def consent_url(settings: Settings, state: str) -> str:
    """Kommo's consent page; in `popup` mode the main window comes back to the Redirect URI."""
    client = oauth_client(settings)
    query = urlencode({"client_id": client.client_id, "state": state, "mode": "popup"})
    return f"{settings.kommo_oauth_url}?{query}"


# --- account hosts ----------------------------------------------------------------------------


class HostRefused(ValueError):
    pass


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def account_base_url(settings: Settings, referer_or_url: str) -> str:
    """`https://acme.kommo.com` for a Kommo `referer` (`acme.kommo.com`) or an account URL, if
    the host lies on one of `KOMMO_ACCOUNT_DOMAINS` (or is loopback with
    `KOMMO_ALLOW_LOOPBACK`); else `HostRefused` saying why."""
    raw = referer_or_url.strip()
    if not raw or len(raw) > 255:
        raise HostRefused("The Kommo account address is empty or too long")
    parts = urlsplit(raw if "://" in raw else f"//{raw}")
    if parts.scheme not in ("", "http", "https") or parts.username or parts.password:
        raise HostRefused("The Kommo account address must be like https://acme.kommo.com")
    try:
        host, port = (parts.hostname or "").lower().rstrip("."), parts.port
    except ValueError as exc:
        raise HostRefused("The Kommo account address has an invalid port") from exc
    if not host:
        raise HostRefused("The Kommo account address has no host")
    if _is_loopback(host):
        if not settings.kommo_allow_loopback:
            raise HostRefused("Loopback Kommo accounts are allowed only in development")
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}" + (f":{port}" if port else "")
    if port not in (None, 443):
        raise HostRefused("A Kommo account is served on the standard HTTPS port")
    domains = [d.lower().strip(".") for d in settings.kommo_account_domains if d.strip(".")]
    if not any(host.endswith(f".{domain}") for domain in domains):
        allowed = ", ".join(domains) or "none"
        raise HostRefused(f"{host} is not a Kommo account host (allowed: {allowed})")
    label = host.split(".")[0]
    if not label or not all(c.isalnum() or c == "-" for c in host.replace(".", "")):
        raise HostRefused(f"{host} is not a valid host name")
    return f"https://{host}"


# --- the access-revoked hook ------------------------------------------------------------------


def revoke_signature_valid(
    settings: Settings, client_uuid: str, account_id: str, signature: str
) -> bool:
    """Kommo signs `{client_id}|{account_id}` with HMAC-SHA256 under the client secret."""
    if not oauth_configured(settings) or settings.kommo_client_secret is None:
        return False
    if not hmac.compare_digest(client_uuid.encode(), (settings.kommo_client_id or "").encode()):
        return False
    expected = hmac.new(
        settings.kommo_client_secret.get_secret_value().encode(),
        f"{client_uuid}|{account_id}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.lower().encode())
