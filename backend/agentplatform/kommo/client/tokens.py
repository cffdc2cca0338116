"""Where the client gets its access token: the seam OAuth plugs into.

`KommoClient` asks `get_token()` before each request and, when Kommo answers 401, calls
`refresh(rejected)` once with the token that was refused, then retries once with what it returns.
An OAuth provider refreshes under a per-account lock and, given the rejected token, can tell that
another process already refreshed (the stored token differs) and return the stored one instead
of spending the refresh token twice (Kommo revokes a grant whose refresh token is used twice).
Returning `None` means "no new token": the client raises `KommoUnauthorized`.

Tokens are secrets: providers keep them as `SecretStr` and their repr never shows them.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import SecretStr


@runtime_checkable
class AccessTokenProvider(Protocol):
    async def get_token(self) -> str:
        """The access token to send now."""
        ...

    async def refresh(self, rejected: str) -> str | None:
        """Kommo refused `rejected`; a newer token, or `None` if there is none to be had."""
        ...


class StaticTokenProvider:
    """A long-lived token of a private integration: nothing to refresh."""

    def __init__(self, token: str | SecretStr) -> None:
        self._token = token if isinstance(token, SecretStr) else SecretStr(token)
        if not self._token.get_secret_value():
            raise ValueError("the access token is empty")

    async def get_token(self) -> str:
        return self._token.get_secret_value()

    async def refresh(self, rejected: str) -> str | None:
        return None

    def __repr__(self) -> str:
        return "StaticTokenProvider(token=**********)"
