"""Kommo's token endpoint (`POST https://{account host}/oauth2/access_token`): exchange an
authorization code, refresh a grant. Only the calls: storing the pair (encrypted), the
per-account refresh lock and persisting the new pair before use belong to the OAuth work.

Kommo rotates on every refresh: the answer carries a new refresh token, and a refresh token
used twice revokes the whole grant (`KommoGrantRevoked`, "Token has been revoked").
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import orjson
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from agentplatform.kommo.client.errors import (
    KommoGrantRevoked,
    KommoProtocolError,
    KommoUnavailable,
    from_response,
)


class OAuthClient(BaseModel):
    """The integration's identity (from Kommo's integration settings)."""

    model_config = ConfigDict(frozen=True)

    client_id: str
    client_secret: SecretStr
    redirect_uri: str


class TokenPair(BaseModel):
    model_config = ConfigDict(extra="ignore")

    token_type: str = "Bearer"  # noqa: S105 - the token kind, not a secret
    expires_in: int
    server_time: int | None = None
    access_token: SecretStr
    refresh_token: SecretStr


async def exchange_code(
    http: httpx.AsyncClient, base_url: str, client: OAuthClient, code: str
) -> TokenPair:
    """The pair for an authorization code (valid 20 minutes, single use)."""
    return await _token_call(
        http, base_url, client, {"grant_type": "authorization_code", "code": code}
    )


async def refresh_grant(
    http: httpx.AsyncClient, base_url: str, client: OAuthClient, refresh_token: str
) -> TokenPair:
    """A new pair for `refresh_token`; persist it before using it (the old one dies)."""
    return await _token_call(
        http,
        base_url,
        client,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
    )


async def _token_call(
    http: httpx.AsyncClient, base_url: str, client: OAuthClient, grant: dict[str, str]
) -> TokenPair:
    parts = urlsplit(base_url)
    url = f"{parts.scheme}://{parts.netloc}/oauth2/access_token"
    body = {
        "client_id": client.client_id,
        "client_secret": client.client_secret.get_secret_value(),
        "redirect_uri": client.redirect_uri,
        **grant,
    }
    try:
        response = await http.post(url, json=body)
    except httpx.HTTPError as exc:
        raise KommoUnavailable(
            f"Kommo's token endpoint could not be reached ({type(exc).__name__})"
        ) from exc
    if response.status_code in (400, 401, 403) and not response.headers.get(
        "content-type", ""
    ).startswith("text/html"):
        error = from_response(response)
        raise KommoGrantRevoked(
            error.detail, kommo_status=response.status_code, kommo_type=error.kommo_type
        )
    if not response.is_success:
        raise from_response(response)
    try:
        return TokenPair.model_validate(orjson.loads(response.content))
    except (orjson.JSONDecodeError, ValidationError) as exc:
        raise KommoProtocolError("Kommo's token answer could not be read") from exc
