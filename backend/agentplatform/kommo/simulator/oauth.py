"""The simulator's OAuth 2.0: consent redirect, token endpoint, rotation and revocation.

- `GET /oauth?client_id&state&mode` approves at once (or declines when `consent="deny"`) and
  redirects to the registered redirect URI with `code`, `state` (only if sent), `referer` (the
  account host) and `client_id`; a decline sends `error=access_denied`.
- `POST /oauth2/access_token`, JSON or form: `authorization_code` (a code is single use and
  lives 20 minutes) and `refresh_token`. Every refresh returns a new pair. The refresh token
  just used stays usable only until the new pair is first used (Kommo keeps it for a refresh
  whose answer was lost); after that, and for any older refresh token, a second use revokes the
  whole grant: 401 `"hint": "Token has been revoked"`, and every token of the grant is dead.
- Access tokens are JWT-shaped (HS256 over account, user and integration ids) and live 24 h;
  the long-lived token of a private integration lives until revoked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from agentplatform.kommo.simulator.hal import PROBLEM, json_response, problem

ACCESS_TTL = 86_400
CODE_TTL = 20 * 60
OAUTH_PROBLEM_TYPE = "https://developers.amocrm.ru/v3/errors/OAuthProblemJson"


@dataclass
class Pair:
    access: str
    refresh: str
    expires_at: float
    used: bool = False


@dataclass
class Grant:
    grant_id: int
    user_id: int
    current: Pair
    previous: Pair | None = None  # rotated out, its refresh token in its grace period
    spent: set[str] = field(default_factory=set)  # refresh tokens that must never work again
    revoked: bool = False

    def pairs(self) -> list[Pair]:
        return [p for p in (self.current, self.previous) if p is not None]


@dataclass
class OAuthState:
    account_id: int
    user_id: int
    client_id: str = field(default_factory=lambda: _uuid_like())
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    redirect_uri: str = "http://127.0.0.1/kommo/callback"
    long_lived_token: str = field(default_factory=lambda: "")
    consent: str = "allow"  # or "deny"
    refresh_grace: bool = True
    access_ttl: float = ACCESS_TTL
    code_ttl: float = CODE_TTL
    codes: dict[str, tuple[float, bool]] = field(default_factory=dict)  # code -> (issued, used)
    grants: list[Grant] = field(default_factory=list)
    revoked_long_lived: bool = False
    token_calls: int = 0

    def __post_init__(self) -> None:
        if not self.long_lived_token:
            self.long_lived_token = self._jwt(expires=time.time() + 5 * 365 * 86_400)

    # --- tokens -----------------------------------------------------------------------------

    def _jwt(self, *, expires: float) -> str:
        header = {"typ": "JWT", "alg": "HS256"}
        payload = {
            "aud": self.client_id,
            "jti": secrets.token_hex(16),
            "iat": int(time.time()),
            "exp": int(expires),
            "sub": str(self.user_id),
            "account_id": self.account_id,
            "scopes": ["crm", "notifications", "push_notifications"],
        }
        signing = f"{_b64(orjson.dumps(header))}.{_b64(orjson.dumps(payload))}"
        digest = hmac.new(self.client_secret.encode(), signing.encode(), hashlib.sha256).digest()
        return f"{signing}.{_b64(digest)}"

    def _new_pair(self) -> Pair:
        expires = time.time() + self.access_ttl
        return Pair(self._jwt(expires=expires), "def502" + secrets.token_hex(48), expires)

    def authenticate(self, token: str) -> bool:
        """Whether `token` may call the API now; the first use of a pair ends the grace of
        the refresh token it replaced."""
        if hmac.compare_digest(token, self.long_lived_token):
            return not self.revoked_long_lived
        for grant in self.grants:
            for pair in grant.pairs():
                if hmac.compare_digest(token, pair.access):
                    if grant.revoked or time.time() >= pair.expires_at:
                        return False
                    if pair is grant.current and not pair.used:
                        pair.used = True
                        if grant.previous is not None:
                            grant.spent.add(grant.previous.refresh)
                    return True
        return False

    def expire_access_tokens(self) -> None:
        for grant in self.grants:
            for pair in grant.pairs():
                pair.expires_at = 0

    def revoke_all(self) -> None:
        """The integration was disabled: every grant and the long-lived token stop working."""
        for grant in self.grants:
            grant.revoked = True
        self.revoked_long_lived = True

    # --- consent and token endpoint -----------------------------------------------------------

    def consent_redirect(self, request: Request, account_host: str) -> Response:
        query = request.query_params
        if query.get("client_id") != self.client_id:
            return problem(400, "Bad Request", "Unknown client_id")
        params: dict[str, str] = {}
        if self.consent == "deny":
            params = {"error": "access_denied", "client_id": self.client_id}
        else:
            code = "def502" + secrets.token_hex(64)
            self.codes[code] = (time.time(), False)
            params = {"code": code, "referer": account_host, "client_id": self.client_id}
        if "state" in query:
            params["state"] = query["state"]
        if query.get("from_widget"):
            params["from_widget"] = "1"
        return RedirectResponse(f"{self.redirect_uri}?{urlencode(params)}", status_code=302)

    async def token_endpoint(self, request: Request) -> Response:
        self.token_calls += 1
        body = await _read_body(request)
        if body is None:
            return problem(400, "Bad Request", "Request data can not be empty")
        if body.get("client_id") != self.client_id or not hmac.compare_digest(
            str(body.get("client_secret", "")), self.client_secret
        ):
            return _oauth_error(401, "Client authentication failed", "Unauthorized")
        if body.get("redirect_uri") != self.redirect_uri:
            return _oauth_error(400, "Redirect URI mismatch", "Bad Request")
        grant_type = body.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange(str(body.get("code", "")))
        if grant_type == "refresh_token":
            return self._refresh(str(body.get("refresh_token", "")))
        return _oauth_error(400, "The authorization grant type is not supported", "Bad Request")

    def _exchange(self, code: str) -> Response:
        issued = self.codes.get(code)
        if issued is None:
            return _oauth_error(400, "Authorization code is invalid", "Bad Request")
        at, used = issued
        if used:
            return _oauth_error(400, "Authorization code has been revoked", "Bad Request")
        if time.time() - at > self.code_ttl:
            return _oauth_error(400, "Authorization code has expired", "Bad Request")
        self.codes[code] = (at, True)
        grant = Grant(grant_id=len(self.grants) + 1, user_id=self.user_id, current=self._new_pair())
        self.grants.append(grant)
        return self._pair_response(grant.current)

    def _refresh(self, token: str) -> Response:
        for grant in self.grants:
            if grant.revoked:
                if token in grant.spent or any(token == p.refresh for p in grant.pairs()):
                    return _revoked()
                continue
            if token == grant.current.refresh:
                if grant.previous is not None:
                    grant.spent.add(grant.previous.refresh)
                grant.previous, grant.current = grant.current, self._new_pair()
                return self._pair_response(grant.current)
            prev = grant.previous
            grace = self.refresh_grace and not grant.current.used
            if prev is not None and token == prev.refresh and token not in grant.spent and grace:
                grant.current = self._new_pair()  # the unused pair is dropped
                return self._pair_response(grant.current)
            if token in grant.spent or (prev is not None and token == prev.refresh):
                grant.revoked = True  # a refresh token used twice: the grant is gone
                return _revoked()
        return _oauth_error(401, "Refresh token is invalid", "Unauthorized")

    def _pair_response(self, pair: Pair) -> Response:
        return json_response(
            {
                "token_type": "Bearer",
                "expires_in": int(self.access_ttl),
                "server_time": int(time.time()),
                "access_token": pair.access,
                "refresh_token": pair.refresh,
            },
            media_type="application/json",
        )


def _revoked() -> Response:
    return _oauth_error(401, "Token has been revoked", "Unauthorized")


def _oauth_error(status: int, hint: str, title: str) -> Response:
    body = {
        "hint": hint,
        "title": title,
        "type": OAUTH_PROBLEM_TYPE,
        "status": status,
        "detail": "The request is missing a required parameter, includes an invalid parameter "
        "value, includes a parameter more than once, or is otherwise malformed.",
    }
    return json_response(body, status, PROBLEM)


async def _read_body(request: Request) -> dict[str, Any] | None:
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        return {key: str(value) for key, value in form.items()}
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _uuid_like() -> str:
    import uuid

    return str(uuid.uuid4())
