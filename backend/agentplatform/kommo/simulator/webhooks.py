"""The simulator's account webhooks: the subscription API and the deliveries.

`GET /api/v4/webhooks[?filter[destination]=...]` (204 when none), `POST /api/v4/webhooks`
(upsert by destination that *replaces* the settings and re-enables a disabled webhook; at most
100 per account) and `DELETE /api/v4/webhooks` with `{"destination"}` (204).

`Deliverer.deliver` posts one form body (see `events.webhook_body`) to a destination the way
Kommo does: `application/x-www-form-urlencoded`, no signature, 2 s timeout, success only for
HTTP 100-299. Failures are retried after `retry_delays` (Kommo: about 5 min, 15 min, 15 min,
1 h; the simulator's default is fractions of a second), at most 5 attempts; `duplicates` sends a
delivered body again, as Kommo sometimes does. A webhook with more than `disable_after`
failures whose latest delivery failed too is disabled, until it is saved again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agentplatform.kommo.simulator.hal import (
    field_error,
    json_body,
    json_response,
    no_content,
    problem,
    validation_problem,
)
from agentplatform.kommo.simulator.state import AccountState, Obj, now

MAX_WEBHOOKS = 100
SETTINGS = frozenset(
    f"{verb}_{what}"
    for verb in ("add", "update", "delete", "restore", "responsible", "note")
    for what in ("lead", "contact", "company", "customer", "task")
) | {
    "status_lead",
    "add_talk",
    "update_talk",
    "add_message",
    "add_unsorted",
    "update_unsorted",
    "delete_unsorted",
    "add_catalog",
    "update_catalog",
    "delete_catalog",
}
DEFAULT_RETRY_DELAYS = (0.05, 0.1, 0.1, 0.2)
USER_AGENT = "amoCRM-Webhooks/3.0"


@dataclass
class Delivery:
    """One POST of a webhook body: `status` is the HTTP status, or `None` with an `error`."""

    destination: str
    body: bytes
    attempt: int
    duplicate: bool
    status: int | None = None
    error: str | None = None
    at: float = field(default_factory=time.time)

    @property
    def ok(self) -> bool:
        return self.status is not None and 100 <= self.status < 300


class WebhookApi:
    def __init__(self, state: AccountState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        return [
            Route("/api/v4/webhooks", self.list, methods=["GET"]),
            Route("/api/v4/webhooks", self.upsert, methods=["POST"]),
            Route("/api/v4/webhooks", self.delete, methods=["DELETE"]),
        ]

    async def list(self, request: Request) -> Response:
        destination = request.query_params.get("filter[destination]")
        with self.state.lock:
            hooks = [
                webhook_view(h)
                for h in self.state.webhooks.values()
                if destination is None or h["destination"] == destination
            ]
        if not hooks:
            return no_content()
        return json_response({"_total_items": len(hooks), "_embedded": {"webhooks": hooks}})

    async def upsert(self, request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, dict):
            return problem(400, "Bad Request", "Request data can not be empty")
        errs = []
        destination = body.get("destination")
        parts = urlsplit(destination) if isinstance(destination, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            errs.append(field_error("InvalidUrl", "destination", "This value is not a valid URL."))
        settings = body.get("settings")
        if not isinstance(settings, list) or not settings:
            errs.append(field_error("NotBlank", "settings", "This value should not be blank."))
        else:
            for i, name in enumerate(settings):
                if name not in SETTINGS:
                    errs.append(
                        field_error(
                            "NotSupportedChoice",
                            f"settings.{i}",
                            "The value you selected is not a valid choice.",
                        )
                    )
        if errs:
            return validation_problem([("0", errs)])
        assert isinstance(destination, str)
        assert isinstance(settings, list)
        with self.state.lock:
            hook = self.state.webhooks.get(destination)
            if hook is None:
                if len(self.state.webhooks) >= MAX_WEBHOOKS:
                    return problem(400, "Bad Request", f"Limit {MAX_WEBHOOKS} webhooks exceeded")
                hook = {
                    "id": self.state.next_id(),
                    "destination": destination,
                    "created_at": now(),
                    "account_id": self.state.account_id,
                    "created_by": self.state.admin_id,
                    "failures": 0,
                }
                self.state.webhooks[destination] = hook
            hook.update(
                settings=list(dict.fromkeys(settings)),
                sort=body.get("sort", 1),
                disabled=False,
                updated_at=now(),
                failures=0,
            )
            shown = webhook_view(hook)
        return json_response(shown)

    async def delete(self, request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("destination"), str):
            return problem(400, "Bad Request", "Request data can not be empty")
        with self.state.lock:
            self.state.webhooks.pop(body["destination"], None)
        return no_content()


class Deliverer:
    """Sends webhook bodies; runs on the simulator's event loop."""

    def __init__(self, state: AccountState) -> None:
        self.state = state
        self.retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS
        self.timeout = 2.0
        self.disable_after = 100
        self.deliveries: list[Delivery] = []

    def subscribed(self, setting: str) -> list[str]:
        with self.state.lock:
            return [
                h["destination"]
                for h in self.state.webhooks.values()
                if setting in h["settings"] and not h["disabled"]
            ]

    async def deliver(
        self, destination: str, body: bytes, *, duplicates: int = 0
    ) -> list[Delivery]:
        out: list[Delivery] = []
        async with httpx.AsyncClient(timeout=self.timeout) as http:
            for attempt in range(1, len(self.retry_delays) + 2):
                delivery = await self._post(http, destination, body, attempt, duplicate=False)
                out.append(delivery)
                if delivery.ok:
                    for _ in range(duplicates):
                        out.append(
                            await self._post(http, destination, body, attempt, duplicate=True)
                        )
                    break
                if attempt <= len(self.retry_delays):
                    await asyncio.sleep(self.retry_delays[attempt - 1])
        return out

    async def _post(
        self,
        http: httpx.AsyncClient,
        destination: str,
        body: bytes,
        attempt: int,
        *,
        duplicate: bool,
    ) -> Delivery:
        delivery = Delivery(destination, body, attempt, duplicate)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT}
        try:
            response = await http.post(destination, content=body, headers=headers)
            delivery.status = response.status_code
        except httpx.HTTPError as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
        self.deliveries.append(delivery)
        self._count(destination, delivery.ok)
        return delivery

    def _count(self, destination: str, ok: bool) -> None:
        with self.state.lock:
            hook = self.state.webhooks.get(destination)
            if hook is None:
                return
            if not ok:
                hook["failures"] = hook.get("failures", 0) + 1
                if hook["failures"] > self.disable_after:
                    hook["disabled"] = True


def webhook_view(hook: Obj) -> Obj:
    return {k: v for k, v in hook.items() if k != "failures"}
