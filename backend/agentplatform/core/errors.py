"""RFC 9457 problem details: one exception hierarchy, one response shape, one set of handlers."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from agentplatform.core.context import current_request_id

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:agentplatform:problem:"


class FieldError(BaseModel):
    """One invalid input: `field` is the dotted location, e.g. `body.email` or `query.limit`."""

    field: str
    loc: list[str | int]
    message: str
    code: str

    @classmethod
    def at(cls, field: str, message: str, code: str) -> FieldError:
        """`FieldError.at("body.slug", "taken", "taken")`: the location split from the field."""
        return cls(field=field, loc=list(field.split(".")), message=message, code=code)


class Problem(BaseModel):
    type: str = Field(examples=[f"{TYPE_PREFIX}not-found"])
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """A domain error that knows its HTTP status; raise it from services, declare it on routes."""

    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal server error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = list(errors) if errors else None
        self.headers = headers or {}

    @classmethod
    def type_uri(cls) -> str:
        return TYPE_PREFIX + cls.code


class BadRequest(ProblemError):
    status = 400
    code = "bad-request"
    title = "Bad request"


class MalformedBody(BadRequest):
    code = "malformed-body"
    title = "The request body is not valid JSON"


class Unauthorized(ProblemError):
    status = 401
    code = "unauthorized"
    title = "Authentication required"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="api", Cookie'})


class InvalidCredentials(Unauthorized):
    code = "invalid-credentials"
    title = "Email or password is wrong"


class Forbidden(ProblemError):
    status = 403
    code = "forbidden"
    title = "Not allowed"


class CsrfRejected(Forbidden):
    code = "csrf-rejected"
    title = "Cross-site request refused"


class FeatureDisabled(Forbidden):
    code = "feature-disabled"
    title = "This feature is switched off for the workspace"


class NotFound(ProblemError):
    status = 404
    code = "not-found"
    title = "Not found"


class Conflict(ProblemError):
    status = 409
    code = "conflict"
    title = "Conflict"


class PayloadTooLarge(ProblemError):
    status = 413
    code = "payload-too-large"
    title = "Request body too large"


class UnsupportedMediaType(ProblemError):
    status = 415
    code = "unsupported-media-type"
    title = "Unsupported media type"


class ValidationFailed(ProblemError):
    status = 422
    code = "validation-failed"
    title = "The request is not valid"


class RateLimited(ProblemError):
    status = 429
    code = "rate-limited"
    title = "Too many requests"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})
        self.retry_after = max(1, retry_after)


class ServiceUnavailable(ProblemError):
    status = 503
    code = "service-unavailable"
    title = "Service unavailable"


_HTTP_CODES: dict[int, type[ProblemError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    422: ValidationFailed,
    429: RateLimited,
    503: ServiceUnavailable,
}


def problem_response(
    request: Request | None,
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    errors: Sequence[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=TYPE_PREFIX + code,
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path if request is not None else None,
        request_id=current_request_id(),
        errors=list(errors) if errors else None,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_CONTENT_TYPE,
    )


def field_errors(raw: Sequence[Any]) -> list[FieldError]:
    out = []
    for err in raw:
        loc = [part for part in err.get("loc", ()) if isinstance(part, str | int)]
        out.append(
            FieldError(
                field=".".join(str(p) for p in loc),
                loc=loc,
                message=str(err.get("msg", "invalid")),
                code=str(err.get("type", "invalid")),
            )
        )
    return out


async def _problem_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers,
    )


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if any(err.get("type") == "json_invalid" for err in raw):
        return problem_response(
            request,
            status=MalformedBody.status,
            code=MalformedBody.code,
            title=MalformedBody.title,
            detail="; ".join(str(e.get("ctx", {}).get("error", e.get("msg"))) for e in raw),
            errors=field_errors(raw),
        )
    return problem_response(
        request,
        status=ValidationFailed.status,
        code=ValidationFailed.code,
        title=ValidationFailed.title,
        detail=f"{len(raw)} invalid field(s)",
        errors=field_errors(raw),
    )


async def _http_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = _HTTP_CODES.get(exc.status_code)
    code = kind.code if kind else f"http-{exc.status_code}"
    title = kind.title if kind else "HTTP error"
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
    return problem_response(
        request,
        status=exc.status_code,
        code=code,
        title=title,
        detail=detail,
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _database_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """A connection lost mid-request (database restarted or failed over; the pool has no ping)
    is a 503 to retry: SQLAlchemy has invalidated the pool, so the retry gets fresh connections.
    Any other database error is a bug, answered as one."""
    assert isinstance(exc, DBAPIError)
    if not exc.connection_invalidated:
        return await _unhandled_handler(request, exc)
    logger.warning("database connection lost during a request", exc_info=exc)
    return problem_response(
        request,
        status=ServiceUnavailable.status,
        code=ServiceUnavailable.code,
        title=ServiceUnavailable.title,
        detail="The database connection was lost; retry the request.",
        headers={"Retry-After": "1"},
    )


async def _unhandled_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return problem_response(
        request,
        status=500,
        code=ProblemError.code,
        title=ProblemError.title,
        detail="An unexpected error occurred; it has been reported.",
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _problem_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_exception_handler)
    app.add_exception_handler(DBAPIError, _database_error_handler)
    app.add_exception_handler(Exception, _unhandled_handler)


def problem_responses(*kinds: type[ProblemError]) -> dict[int | str, dict[str, Any]]:
    """The `responses=` mapping that declares a route's domain errors in the OpenAPI schema."""
    out: dict[int | str, dict[str, Any]] = {}
    for kind in kinds:
        entry = out.setdefault(
            kind.status,
            {"model": Problem, "content": {PROBLEM_CONTENT_TYPE: {}}, "description": kind.title},
        )
        if entry["description"] != kind.title:
            entry["description"] = f"{entry['description']}; {kind.title}"
    return out
