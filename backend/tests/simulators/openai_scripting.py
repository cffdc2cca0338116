"""What a test scripts into the OpenAI simulator: replies, tool calls, faults; and what it records.

`fault_response` turns a scripted failure into the answer OpenAI gives for it (a 429 with its
rate-limit headers, a 5xx `server_error`, or any other status as an `invalid_request_error`).
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response

from tests.simulators.openai_wire import error_response


@dataclass(frozen=True)
class ScriptedToolCall:
    name: str
    arguments: str  # JSON text, as a model produces it
    id: str = field(default_factory=lambda: "call_" + secrets.token_hex(12))


@dataclass(frozen=True)
class ScriptedReply:
    content: str | None = None
    tool_calls: tuple[ScriptedToolCall, ...] = ()
    finish_reason: str | None = None  # default: "tool_calls" with tool calls, else "stop"


@dataclass(frozen=True)
class Fault:
    """What to do to one request: wait `delay` seconds, then answer `status` (None: normally)."""

    status: int | None = None
    delay: float = 0.0
    retry_after: str | None = None
    message: str | None = None
    code: str | None = None
    break_stream: bool = False
    path: str | None = None  # only requests to this path, e.g. "/v1/embeddings" or "/embeddings"

    def matches(self, path: str) -> bool:
        return self.path is None or path in (self.path, "/v1" + self.path)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any  # the parsed JSON body; None without one (or when it was not JSON)

    @property
    def json(self) -> Any:
        return self.body


async def apply_fault(fault: Fault | None) -> Response | None:
    """Wait the fault's delay; then its failure answer, or None to answer normally."""
    if fault is None:
        return None
    if fault.delay:
        await asyncio.sleep(fault.delay)
    return fault_response(fault)


def fault_response(fault: Fault) -> Response | None:
    """The answer for a fault's `status`, as OpenAI gives it; None when it has no status."""
    if fault.status is None:
        return None
    headers: dict[str, str] = {}
    if fault.retry_after is not None:
        headers["retry-after"] = fault.retry_after
    if fault.status == 429:
        headers.update(
            {
                "x-ratelimit-limit-requests": "500",
                "x-ratelimit-remaining-requests": "0",
                "x-ratelimit-reset-requests": f"{fault.retry_after or '1'}s",
            }
        )
        return error_response(
            429,
            fault.message or "Rate limit reached for requests. Please try again in a moment.",
            type_="requests",
            code=fault.code or "rate_limit_exceeded",
            headers=headers,
        )
    if fault.status >= 500:
        default = (
            "The engine is currently overloaded, please try again later."
            if fault.status == 503
            else "The server had an error while processing your request. Sorry about that!"
        )
        return error_response(
            fault.status,
            fault.message or default,
            type_="server_error",
            code=fault.code,
            headers=headers,
        )
    return error_response(fault.status, fault.message or "Request failed.", code=fault.code)
