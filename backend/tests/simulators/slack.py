"""A local Slack that speaks the two wire protocols we use, on loopback.

- Incoming webhooks, `POST /services/T…/B…/<secret>` with a JSON body: `200 ok` (text/html, as
  Slack answers), `404 no_service` for a URL Slack does not know (or one revoked),
  `400 invalid_payload` for a body that is not JSON or has neither `text` nor `blocks`,
  `410 channel_is_archived` for a webhook whose channel was archived.
- The Web API, `POST /api/chat.postMessage` with `Authorization: Bearer xoxb-…` (JSON or form):
  always HTTP 200 with `{"ok": true, "channel", "ts", "message"}` or `{"ok": false, "error"}`
  (`not_authed`, `invalid_auth`, `channel_not_found`, `not_in_channel`, `no_text`).
- Faults: `fail_next(count, status, retry_after)` answers 429 (with `Retry-After`) or 5xx first.

Every message Slack accepted is kept in `messages` (what the channel would show).
"""

from __future__ import annotations

import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route


@dataclass
class Posted:
    via: str  # "webhook" or "api"
    channel: str
    text: str | None
    blocks: list[Any] | None
    body: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Fault:
    remaining: int
    status: int
    retry_after: int


class SlackSimulator:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.app = Starlette(
            routes=[
                Route("/services/{team}/{bot}/{secret}", self._webhook, methods=["POST"]),
                Route("/api/chat.postMessage", self._post_message, methods=["POST"]),
            ]
        )
        self.reset()

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if not self.port:
            raise RuntimeError("the Slack simulator is not running")
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base_url(self) -> str:
        """What `SLACK_API_BASE_URL` is for the real Slack: `https://slack.com/api`."""
        return f"{self.base_url}/api"

    def start(self) -> SlackSimulator:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="slack-simulator", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise RuntimeError("the Slack simulator did not start")
            time.sleep(0.01)
        self._server, self._thread, self._socket = server, thread, sock
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None
        self.port = 0

    def __enter__(self) -> SlackSimulator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- scripting ---------------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.webhooks: dict[str, str] = {}  # path -> channel
            self.archived: set[str] = set()
            self.tokens: dict[str, set[str]] = {}  # bot token -> channels it is in
            self.channels: set[str] = {"C0GENERAL", "C0ALERTS"}
            self.messages: list[Posted] = []
            self.requests = 0
            self._faults: list[_Fault] = []

    def new_webhook(self, channel: str = "#alerts") -> str:
        """A webhook URL Slack knows, posting to `channel`."""
        path = f"/services/T{secrets.token_hex(4).upper()}/B{secrets.token_hex(4).upper()}/"
        path += secrets.token_urlsafe(18)
        with self._lock:
            self.webhooks[path] = channel
        return f"{self.base_url}{path}"

    def archive(self, url: str) -> None:
        with self._lock:
            self.archived.add(url.removeprefix(self.base_url))

    def new_bot_token(self, *channels: str) -> str:
        token = f"xoxb-{secrets.randbelow(10**12)}-{secrets.token_hex(12)}"
        with self._lock:
            self.tokens[token] = set(channels)
        return token

    def fail_next(self, count: int, status: int = 429, retry_after: int = 1) -> None:
        with self._lock:
            self._faults.append(_Fault(count, status, retry_after))

    def _fault(self) -> Response | None:
        with self._lock:
            self.requests += 1
            for fault in self._faults:
                if fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.status == 429:
                        return PlainTextResponse(
                            "rate_limited",
                            status_code=429,
                            headers={"Retry-After": str(fault.retry_after)},
                        )
                    return PlainTextResponse("internal_error", status_code=fault.status)
        return None

    # --- incoming webhooks -----------------------------------------------------------------

    async def _webhook(self, request: Request) -> Response:
        fault = self._fault()
        if fault is not None:
            return fault
        path = request.url.path
        channel = self.webhooks.get(path)
        if channel is None:
            return _html("no_service", 404)
        if path in self.archived:
            return _html("channel_is_archived", 410)
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _html("invalid_payload", 400)
        if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
            return _html("invalid_payload", 400)
        if "blocks" in body and not isinstance(body["blocks"], list):
            return _html("invalid_blocks", 400)
        with self._lock:
            self.messages.append(
                Posted("webhook", channel, body.get("text"), body.get("blocks"), body)
            )
        return _html("ok", 200)

    # --- the Web API ------------------------------------------------------------------------

    async def _post_message(self, request: Request) -> Response:
        fault = self._fault()
        if fault is not None:
            return fault
        raw = await request.body()
        body: dict[str, Any]
        if request.headers.get("content-type", "").startswith("application/json"):
            try:
                parsed = json.loads(raw)
            except ValueError:
                return _api_error("invalid_json")
            body = parsed if isinstance(parsed, dict) else {}
        else:
            body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else body.get("token", "")
        if not token:
            return _api_error("not_authed")
        channels = self.tokens.get(token)
        if channels is None:
            return _api_error("invalid_auth")
        channel = str(body.get("channel") or "")
        if channel not in self.channels:
            return _api_error("channel_not_found")
        if channel not in channels:
            return _api_error("not_in_channel")
        if not (body.get("text") or body.get("blocks")):
            return _api_error("no_text")
        ts = f"{time.time():.6f}"
        with self._lock:
            self.messages.append(Posted("api", channel, body.get("text"), body.get("blocks"), body))
        return JSONResponse(
            {
                "ok": True,
                "channel": channel,
                "ts": ts,
                "message": {"type": "message", "text": body.get("text", ""), "ts": ts},
            }
        )


def _html(text: str, status: int) -> Response:
    return Response(text, status_code=status, media_type="text/html")


def _api_error(error: str) -> Response:
    return JSONResponse({"ok": False, "error": error})
