"""The simulator's guard in front of the account's API: what Kommo answers before any endpoint.

In order: an IP block (403 with nginx's HTML page, for `/api/` and `/oauth2/`), scripted faults
(`Fault`: 429, 5xx, or 403 for a block), the rate limit (7 requests per second per account,
429 `retry_after` 1; `block_after_429s` consecutive 429s block the address for an hour), the
bearer token (401), an unpaid account (402).
"""

from __future__ import annotations

import collections
import secrets
import threading
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from agentplatform.kommo.simulator.hal import ip_block_page, problem
from agentplatform.kommo.simulator.oauth import OAuthState

RATE_LIMIT = 7  # requests per second per account, Kommo's documented limit


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: str
    status: int
    at: float


@dataclass
class Fault:
    """The next `remaining` API requests (to `path` if set) answer `status` instead."""

    remaining: int
    status: int
    path: str | None = None
    retry_after: int = 1


class Guard:
    def __init__(self, oauth: OAuthState) -> None:
        self.oauth = oauth
        self._lock = threading.Lock()
        self.faults: list[Fault] = []
        self.rate_limit = RATE_LIMIT
        self._window: collections.deque[float] = collections.deque()
        self.block_after_429s: int | None = None  # consecutive 429s that trigger a block
        self._consecutive_429s = 0
        self.ip_blocked_until = 0.0
        self.unpaid = False

    def fail_next(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def block_ip(self, seconds: float = 3600.0) -> None:
        self.ip_blocked_until = time.monotonic() + seconds

    def check(self, request: Request) -> Response | None:
        path = request.url.path
        if not path.startswith(("/api/", "/oauth2/")):
            return None
        if time.monotonic() < self.ip_blocked_until:
            return ip_block_page()
        if not path.startswith("/api/"):
            return None
        with self._lock:
            for fault in self.faults:
                if fault.remaining > 0 and (fault.path is None or path.startswith(fault.path)):
                    fault.remaining -= 1
                    return self._fault_response(fault)
            if not self._take_slot():
                self._consecutive_429s += 1
                if self.block_after_429s and self._consecutive_429s >= self.block_after_429s:
                    self.block_ip()
                return _too_many(1)
            self._consecutive_429s = 0
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if not token or not self.oauth.authenticate(token):
            return problem(401, "Unauthorized", "Invalid user name or password")
        if self.unpaid:
            return problem(402, "Payment Required", "Payment required")
        return None

    def _take_slot(self) -> bool:
        now = time.monotonic()
        while self._window and now - self._window[0] >= 1.0:
            self._window.popleft()
        if len(self._window) >= self.rate_limit:
            return False
        self._window.append(now)
        return True

    @staticmethod
    def _fault_response(fault: Fault) -> Response:
        if fault.status == 429:
            return _too_many(fault.retry_after)
        if fault.status == 403:
            return ip_block_page()
        return problem(
            fault.status, "ErrInternalServer", "Simulated failure", trace_id=secrets.token_hex(8)
        )


def _too_many(retry_after: int) -> Response:
    return problem(429, "Too Many Requests", "Too many requests", retry_after=retry_after)
