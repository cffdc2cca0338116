"""What the Kommo client raises: one typed error per kind of failure Kommo reports.

Each is a `ProblemError`, so a route that lets one through answers problem+json with a stable
`type`; the HTTP status we answer is ours (a Kommo failure is a bad gateway, a block is a 503),
while `kommo_status` keeps what Kommo said. `from_response` reads Kommo's problem+json body
(`title`, `type`, `status`, `detail`, `hint`, `validation-errors`) into the right class.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
from pydantic import BaseModel

from agentplatform.core.errors import FieldError, ProblemError

_BODY_EXCERPT = 300


class KommoFieldError(BaseModel):
    """One entry of Kommo's `validation-errors[].errors[]`, with the item it is about."""

    request_id: str | None = None
    code: str
    path: str
    detail: str


class KommoError(ProblemError):
    status = 502
    code = "kommo-error"
    title = "Kommo answered with an error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        kommo_status: int | None = None,
        kommo_type: str | None = None,
        field_errors: list[KommoFieldError] | None = None,
        retry_after: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        errors = [
            FieldError.at(f"kommo.{err.path}", err.detail, err.code) for err in field_errors or ()
        ]
        super().__init__(detail, errors=errors, headers=headers)
        self.kommo_status = kommo_status
        self.kommo_type = kommo_type
        self.field_errors = field_errors or []
        self.retry_after = retry_after


class KommoUnavailable(KommoError):
    """Kommo could not be reached, timed out or answered 5xx (after the retries)."""

    code = "kommo-unavailable"
    title = "Kommo is unavailable"


class KommoRateLimited(KommoError):
    """429: over Kommo's 7 requests per second (after the retries); `retry_after` in seconds."""

    status = 503
    code = "kommo-rate-limited"
    title = "Kommo's rate limit was exceeded"


class KommoIPBlocked(KommoError):
    """403 with an HTML page: Kommo blocked our address. Never retried: stop and report."""

    status = 503
    code = "kommo-ip-blocked"
    title = "Kommo has blocked requests from this address"


class KommoUnauthorized(KommoError):
    """401 even after one token refresh: the grant is revoked or expired (reconnect required)."""

    code = "kommo-unauthorized"
    title = "Kommo refused the access token"


class KommoForbidden(KommoError):
    """403 with a JSON body: the user behind the token lacks the rights."""

    code = "kommo-forbidden"
    title = "Kommo refused the action"


class KommoPaymentRequired(KommoError):
    """402: the Kommo account's paid or trial period is over."""

    code = "kommo-payment-required"
    title = "The Kommo account is not paid"


class KommoNotFound(KommoError):
    code = "kommo-not-found"
    title = "Not found in Kommo"


class KommoBadRequest(KommoError):
    """400/405/422 that is not a list of field errors."""

    code = "kommo-bad-request"
    title = "Kommo rejected the request"


class KommoValidationError(KommoBadRequest):
    """400 with `validation-errors`: `field_errors` says which item (`request_id`) and path."""

    code = "kommo-validation-failed"
    title = "Kommo rejected the data"


class KommoGrantRevoked(KommoUnauthorized):
    """The token endpoint refused the code or refresh token ("Token has been revoked", expired
    or already used): the user must authorize again."""

    code = "kommo-grant-revoked"
    title = "The Kommo authorization was revoked"


class KommoProtocolError(KommoError):
    """A success answer that is not what Kommo's API returns (not JSON, wrong shape)."""

    code = "kommo-protocol-error"
    title = "Kommo's answer could not be read"


_BY_STATUS: dict[int, type[KommoError]] = {
    400: KommoBadRequest,
    401: KommoUnauthorized,
    402: KommoPaymentRequired,
    403: KommoForbidden,
    404: KommoNotFound,
    405: KommoBadRequest,
    422: KommoBadRequest,
    429: KommoRateLimited,
}
_RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


def is_html(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "").lower()
    if "html" in content_type:
        return True
    head = response.content[:200].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def problem_body(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of an error answer, or `{}` if it has none."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return {}
    return body if isinstance(body, dict) else {}


def field_errors_of(body: dict[str, Any]) -> list[KommoFieldError]:
    """Kommo's `validation-errors: [{request_id, errors: [{code, path, detail}]}]`."""
    out: list[KommoFieldError] = []
    groups = body.get("validation-errors") or body.get("validation_errors") or []
    if not isinstance(groups, list):
        return out
    for group in groups:
        if not isinstance(group, dict):
            continue
        request_id = group.get("request_id")
        for err in group.get("errors") or ():
            if isinstance(err, dict):
                out.append(
                    KommoFieldError(
                        request_id=None if request_id is None else str(request_id),
                        code=str(err.get("code", "invalid")),
                        path=str(err.get("path", "")),
                        detail=str(err.get("detail", "invalid")),
                    )
                )
    return out


def from_response(response: httpx.Response) -> KommoError:
    """The typed error for a non-success answer (the body is read, never the request's token)."""
    status = response.status_code
    if status == 403 and is_html(response):
        return KommoIPBlocked(
            f"Kommo answered 403 with an HTML page for {response.request.url.path}: "
            "requests from this address are blocked",
            kommo_status=403,
        )
    body = problem_body(response)
    # OAuth errors carry the specific reason in `hint` ("Token has been revoked") and a generic
    # `detail`; REST errors carry it in `detail`.
    detail = body.get("hint") or body.get("detail") or body.get("title")
    if not isinstance(detail, str) or not detail:
        excerpt = response.text[:_BODY_EXCERPT].strip()
        detail = f"HTTP {status}" + (f": {excerpt}" if excerpt else "")
    kommo_type = body.get("type") if isinstance(body.get("type"), str) else None
    field_errors = field_errors_of(body)
    retry_after = _retry_after(response, body)
    kind: type[KommoError]
    if field_errors:
        kind = KommoValidationError
    elif status >= 500:
        kind = KommoUnavailable
    else:
        kind = _BY_STATUS.get(status, KommoError)
    return kind(
        f"Kommo {status}: {detail}",
        kommo_status=status,
        kommo_type=kommo_type,
        field_errors=field_errors,
        retry_after=retry_after,
    )


def _retry_after(response: httpx.Response, body: dict[str, Any]) -> float | None:
    for raw in (response.headers.get("retry-after"), body.get("retry_after")):
        try:
            if raw is not None:
                return max(0.0, float(raw))
        except (TypeError, ValueError):
            continue
    return None


def is_retryable_status(status: int) -> bool:
    return status in _RETRYABLE_STATUSES
