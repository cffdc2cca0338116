"""`KommoSimulator`: the fake Kommo's lifecycle, its guard (IP block, faults, rate limit, bearer
auth, request log) and the Python API tests and the CLI use. See the package docstring."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import hmac
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Coroutine, Iterable, Iterator
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from agentplatform.kommo.simulator import admin, audit
from agentplatform.kommo.simulator.activities import ActivityApi
from agentplatform.kommo.simulator.chats import Channel, ChatsApi
from agentplatform.kommo.simulator.entities import EntityApi
from agentplatform.kommo.simulator.events import (
    WebhookEvent,
    changes_to_events,
    message_event,
    webhook_body,
)
from agentplatform.kommo.simulator.guard import Fault, Guard, RecordedRequest
from agentplatform.kommo.simulator.oauth import OAuthState
from agentplatform.kommo.simulator.resources import ResourceApi
from agentplatform.kommo.simulator.salesbot import SalesbotApi
from agentplatform.kommo.simulator.state import AccountState, Obj, seed
from agentplatform.kommo.simulator.webhooks import Deliverer, Delivery, WebhookApi

T = TypeVar("T")


class KommoSimulator:
    def __init__(self, *, subdomain: str = "acme", account_id: int | None = None) -> None:
        self._subdomain, self._account_id = subdomain, account_id
        self._lock = threading.RLock()
        self.port = 0
        self.host = "127.0.0.1"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.reset()

    def reset(self) -> None:
        """A freshly seeded account, new tokens, no faults, blocks, recorded requests."""
        with self._lock:
            self.state: AccountState = seed(self._account_id, self._subdomain)
            self._account_id = self.state.account_id
            self.oauth = OAuthState(account_id=self.state.account_id, user_id=self.state.admin_id)
            self.chats = ChatsApi(self.state)
            self.deliverer = Deliverer(self.state)
            self.requests: list[RecordedRequest] = []
            self.guard = Guard(self.oauth)
            self.auto_webhooks = True
            self.revoke_hook_url: str | None = None
            self.app = self._build_app()

    def configure(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        redirect_uri: str | None = None,
        revoke_hook_url: str | None = None,
    ) -> None:
        """The integration as registered with this account (what `make run` points the API at)."""
        with self._lock:
            if client_id:
                self.oauth.client_id = client_id
            if client_secret:
                self.oauth.client_secret = client_secret
            if redirect_uri:
                self.oauth.redirect_uri = redirect_uri
            if revoke_hook_url:
                self.revoke_hook_url = revoke_hook_url

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if not self.port:
            raise RuntimeError("the Kommo simulator is not running")
        return f"http://{self.host}:{self.port}"

    @property
    def account_host(self) -> str:
        """What Kommo sends as `referer`: the account's host (here with the port)."""
        return f"{self.host}:{self.port}"

    @property
    def token(self) -> str:
        """The seeded long-lived token of a private integration."""
        return self.oauth.long_lived_token

    def describe(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "account_id": self.state.account_id,
            "subdomain": self.state.subdomain,
            "token": self.token,
        }

    def bind(self, port: int = 0, host: str = "127.0.0.1") -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        self.host, self.port = host, sock.getsockname()[1]
        return sock

    def _uvicorn(self) -> uvicorn.Server:
        config = uvicorn.Config(
            self._asgi,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="on",
            interface="asgi3",
            timeout_graceful_shutdown=1,
        )
        return uvicorn.Server(config)

    def start(self, port: int = 0) -> KommoSimulator:
        """Serve from a background thread (tests)."""
        sock = self.bind(port)
        server = self._uvicorn()
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="kommo-simulator", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise RuntimeError("the Kommo simulator did not start")
            time.sleep(0.01)
        self._server, self._thread, self._socket = server, thread, sock
        return self

    def serve_forever(self, sock: socket.socket) -> None:
        """Serve in this thread until interrupted (the CLI)."""
        self._uvicorn().run(sockets=[sock])

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None
        self.port = 0

    def __enter__(self) -> KommoSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- scripting ------------------------------------------------------------------------

    def fail_next(
        self, count: int, status: int = 429, *, path: str | None = None, retry_after: int = 1
    ) -> None:
        """The next `count` API requests answer `status` (429, 5xx, or 403 for an HTML block)."""
        with self._lock:
            self.guard.fail_next(Fault(count, status, path, retry_after))

    def block_ip(self, seconds: float = 3600.0) -> None:
        self.guard.block_ip(seconds)

    def unblock_ip(self) -> None:
        self.guard.ip_blocked_until = 0.0

    def count(
        self, path: str | None = None, *, method: str | None = None, status: int | None = None
    ) -> int:
        """Recorded requests whose path starts with `path` (and method, status if given)."""
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (path is None or r.path.startswith(path))
                and (method is None or r.method == method)
                and (status is None or r.status == status)
            )

    def register_chat_channel(self, *, webhook_url: str | None = None) -> Channel:
        return self.chats.register(str(secrets.token_hex(16)), secrets.token_hex(20), webhook_url)

    def move_lead(
        self, lead_id: int, status_id: int, pipeline_id: int | None = None
    ) -> list[WebhookEvent]:
        """Change a lead's stage as a Kommo user would; the events it causes (also sent to the
        subscribed webhooks when `auto_webhooks`, from the server's loop)."""
        with self.state.lock:
            lead = self.state.entities["leads"][lead_id]
            old = {**lead}
            lead.update(
                status_id=status_id,
                pipeline_id=pipeline_id or lead["pipeline_id"],
                updated_at=int(time.time()),
            )
            events = changes_to_events("leads", "update", dict(lead), old)
        audit.record(self.state, events)
        if self.auto_webhooks and self._loop is not None:
            self._loop.call_soon_threadsafe(self._emit, events)
        return events

    def client_message(self, talk_id: int, text: str, *, message_id: str) -> WebhookEvent:
        """A client writes in a talk's chat: logged, and sent to the subscribed webhooks when
        `auto_webhooks` (from the server's loop)."""
        event = message_event(self.state, self.state.talks[talk_id], text, message_id=message_id)
        audit.record(self.state, [event])
        if self.auto_webhooks and self._loop is not None:
            self._loop.call_soon_threadsafe(self._emit, [event])
        return event

    def send_webhook(
        self,
        events: list[WebhookEvent],
        *,
        destination: str | None = None,
        duplicates: int = 0,
        account_first: bool = True,
    ) -> concurrent.futures.Future[list[Delivery]]:
        """Deliver `events` in one body to `destination` (else to every webhook subscribed to
        any of them). `await asyncio.wrap_future(...)` it, or `.result()` from a thread."""
        body = webhook_body(self.state, self.base_url, events, account_first=account_first)
        targets = (
            [destination]
            if destination
            else sorted({d for e in events for d in self.deliverer.subscribed(e.setting)})
        )

        async def run() -> list[Delivery]:
            results = await asyncio.gather(
                *(self.deliverer.deliver(t, body, duplicates=duplicates) for t in targets)
            )
            return [d for r in results for d in r]

        return self._on_loop(run())

    def chat_reply(
        self,
        channel_id: str,
        conversation_id: str,
        text: str,
    ) -> concurrent.futures.Future[int | None]:
        return self._on_loop(self.chats.reply(channel_id, conversation_id, text))

    def uninstall(self) -> concurrent.futures.Future[int | None]:
        """The admin disables the integration: tokens revoked, channels cut, revoke hook sent."""
        self.oauth.revoke_all()
        for channel in self.chats.channels.values():
            channel.scopes.clear()
        return self._on_loop(self._revoke_hook())

    async def _revoke_hook(self) -> int | None:
        if self.revoke_hook_url is None:
            return None
        client_id, account_id = self.oauth.client_id, self.state.account_id
        signature = hmac.new(
            self.oauth.client_secret.encode(), f"{client_id}|{account_id}".encode(), hashlib.sha256
        ).hexdigest()
        query = urlencode(
            {"client_uuid": client_id, "account_id": account_id, "signature": signature}
        )
        async with httpx.AsyncClient(timeout=3.0) as http:
            response = await http.get(
                f"{self.revoke_hook_url}?{query}",
                headers={"User-Agent": "amoService-oAuth-Code-Sender/1.0"},
            )
        return response.status_code

    def _on_loop(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        if self._loop is None:
            coro.close()
            raise RuntimeError("the Kommo simulator is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    # --- the app ----------------------------------------------------------------------------

    def _build_app(self) -> Starlette:
        entities = EntityApi(self.state, self._on_change)
        resources = ResourceApi(self.state, self._on_change)
        routes: list[Route] = [
            Route("/oauth", lambda r: self.oauth.consent_redirect(r, self.account_host)),
            Route("/oauth2/access_token", self.oauth.token_endpoint, methods=["POST"]),
            *WebhookApi(self.state).routes(),
            *entities.routes(),
            *resources.routes(),
            *ActivityApi(self.state, self._on_change).routes(),
            *SalesbotApi(self.state).routes(),
            *self.chats.routes(),
            *audit.AuditApi(self.state).routes(),
            *admin.routes(self),
        ]
        return Starlette(routes=routes, lifespan=self._lifespan)

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self._loop = asyncio.get_running_loop()
        yield
        self._loop = None

    def _on_change(self, entity: str, action: str, new: Obj, old: Obj | None) -> None:
        events = changes_to_events(entity, action, new, old)
        audit.record(self.state, events)
        if self.auto_webhooks:
            self._emit(events)

    def _emit(self, events: Iterable[WebhookEvent]) -> None:
        """Send what changed to the subscribed webhooks, one body per destination."""
        by_destination: dict[str, list[WebhookEvent]] = {}
        for event in events:
            for destination in self.deliverer.subscribed(event.setting):
                by_destination.setdefault(destination, []).append(event)
        for destination, batch in by_destination.items():
            body = webhook_body(self.state, self.base_url, batch)
            task = asyncio.get_running_loop().create_task(self.deliverer.deliver(destination, body))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        request = Request(scope, receive)
        try:
            refusal = self.guard.check(request)
            if refusal is not None:
                await refusal(scope, receive, recording_send)
            else:
                await self.app(scope, receive, recording_send)
        finally:
            with self._lock:
                self.requests.append(
                    RecordedRequest(
                        request.method, request.url.path, request.url.query, status, time.time()
                    )
                )


@contextlib.contextmanager
def running_simulator(**kwargs: Any) -> Iterator[KommoSimulator]:
    with KommoSimulator(**kwargs) as simulator:
        yield simulator
