"""The app's one pure ASGI layer around each HTTP request.

`RequestMiddleware` does, in one pass over the headers and with one wrapper around `send`, what
used to be four stacked middlewares (each one more coroutine, closure and `send` hop per message):
forwarded headers (`core.forwarded`), the request id and its access line, Prometheus metrics
(`core.metrics`) and the limit on request body size. The order inside is the order they had:
forwarded headers first, so that everything after sees the real client, scheme and host; then the
request id, the metrics and the body limit, so that a refused body is still counted and logged.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agentplatform.core.context import reset_request_id, set_request_id
from agentplatform.core.errors import PayloadTooLarge, problem_response
from agentplatform.core.forwarded import TrustedProxies, rewrite_forwarded
from agentplatform.core.metrics import RequestMetrics

logger = logging.getLogger("agentplatform.access")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


class _BodyTooLarge(HTTPException):
    """An HTTPException so that FastAPI's body reader re-raises it to the 413 problem handler."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The body exceeds the limit of {limit} bytes")


class RequestMiddleware:
    """Forwarded headers, request id (the caller's valid `X-Request-ID` or a new one, echoed),
    metrics, the body size limit (413 by Content-Length or by counting a streamed body) and one
    access line per request."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit_for: Callable[[Scope], int],
        trusted: TrustedProxies | None = None,
        metrics: RequestMetrics | None = None,
    ) -> None:
        self.app = app
        self.limit_for = limit_for
        self.trusted = trusted if trusted is not None else TrustedProxies([])
        self.metrics = metrics if metrics is not None else RequestMetrics()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                scope = rewrite_forwarded(scope, self.trusted)
            await self.app(scope, receive, send)
            return
        scope = rewrite_forwarded(scope, self.trusted)
        incoming: bytes | None = None
        length: bytes | None = None
        for name, value in scope["headers"]:  # the first of each, as `Headers.get` would
            if name == b"x-request-id":
                if incoming is None:
                    incoming = value
            elif name == b"content-length" and length is None:
                length = value
        request_id = incoming.decode("latin-1") if incoming is not None else ""
        if not _VALID_REQUEST_ID.match(request_id):
            request_id = secrets.token_hex(16)
        id_header = (b"x-request-id", request_id.encode())
        token = set_request_id(request_id)
        method = RequestMetrics.method_label(scope["method"])
        before_routing = dict(scope)  # routing mutates the scope; metrics may need to re-match
        in_progress = self.metrics.started(method)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        try:
            limit = self.limit_for(scope)
            if length is not None and length.isdigit() and int(length) > limit:
                await self._refuse(scope, receive, send_with_id, limit)
                return
            received = 0

            async def counting_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise _BodyTooLarge(limit)
                return message

            try:
                await self.app(scope, counting_receive, send_with_id)
            except _BodyTooLarge:
                if response_started:
                    raise
                await self._refuse(scope, receive, send_with_id, limit)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.finished(scope, before_routing, method, in_progress, status, elapsed)
            logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            reset_request_id(token)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        from starlette.requests import Request

        response = problem_response(
            Request(scope),
            status=PayloadTooLarge.status,
            code=PayloadTooLarge.code,
            title=PayloadTooLarge.title,
            detail=f"The body exceeds the limit of {limit} bytes",
        )
        await response(scope, receive, send)
