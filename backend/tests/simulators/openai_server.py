"""The OpenAI simulator's server: lifecycle, scripting API, request plumbing and routing.

uvicorn serves a small Starlette app from a background thread on a free loopback port. Every
request is recorded, authenticated (bearer key) and matched against the scripted faults before
its endpoint (`openai_models`, `openai_chat`, `openai_embeddings`) answers it.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.simulators.openai_chat import chat_completion_response
from tests.simulators.openai_embeddings import DEFAULT_EMBEDDING_DIMENSIONS, embeddings_response
from tests.simulators.openai_models import (
    DEFAULT_MODELS,
    list_models_response,
    retrieve_model_response,
)
from tests.simulators.openai_scripting import (
    Fault,
    RecordedRequest,
    ScriptedReply,
    ScriptedToolCall,
    apply_fault,
)
from tests.simulators.openai_wire import error_response, mask_key

DEFAULT_API_KEY = "sk-sim-test-0123456789abcdefghijklmnop"


class OpenAISimulator:
    """State and behaviour of the fake provider; `start()` serves it, `reset()` clears a test."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._replies: list[ScriptedReply] = []
        self._faults: list[Fault] = []
        self._requests: list[RecordedRequest] = []
        self._generation = 0
        self.api_key = DEFAULT_API_KEY
        self.require_auth = True
        self.echo_key_in_errors = False
        self.models: list[str] = list(DEFAULT_MODELS)
        self.embedding_dimensions = DEFAULT_EMBEDDING_DIMENSIONS
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port = 0
        self.app = Starlette(
            routes=[
                Route("/v1/models", self._list_models, methods=["GET"]),
                Route("/v1/models/{model:path}", self._retrieve_model, methods=["GET"]),
                Route("/v1/chat/completions", self._chat_completions, methods=["POST"]),
                Route("/v1/embeddings", self._embeddings, methods=["POST"]),
            ],
            exception_handlers={HTTPException: self._http_error},
        )

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The `base_url` to give the SDK: `http://127.0.0.1:<port>/v1`."""
        if not self.port:
            raise RuntimeError("the simulator is not running")
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> OpenAISimulator:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,  # leave the test process's logging alone
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="openai-simulator", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise RuntimeError("the OpenAI simulator did not start")
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

    def __enter__(self) -> OpenAISimulator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget scripted replies, faults and recorded requests; restore the default settings."""
        with self._lock:
            self._generation += 1
            self._replies.clear()
            self._faults.clear()
            self._requests.clear()
            self.api_key = DEFAULT_API_KEY
            self.require_auth = True
            self.echo_key_in_errors = False
            self.models = list(DEFAULT_MODELS)
            self.embedding_dimensions = DEFAULT_EMBEDDING_DIMENSIONS

    # --- scripting -------------------------------------------------------------------------

    def queue(self, *replies: ScriptedReply) -> None:
        with self._lock:
            self._replies.extend(replies)

    def reply(self, content: str, *, finish_reason: str | None = None) -> None:
        self.queue(ScriptedReply(content=content, finish_reason=finish_reason))

    def reply_tool_call(
        self,
        name: str,
        arguments: Mapping[str, Any] | str,
        *,
        call_id: str | None = None,
        content: str | None = None,
    ) -> ScriptedToolCall:
        """Queue an answer that calls one function; returns the call (its `id` for assertions)."""
        args = arguments if isinstance(arguments, str) else json.dumps(arguments)
        call = (
            ScriptedToolCall(name=name, arguments=args, id=call_id)
            if call_id
            else ScriptedToolCall(name=name, arguments=args)
        )
        self.queue(ScriptedReply(content=content, tool_calls=(call,)))
        return call

    def reply_tool_calls(self, *calls: ScriptedToolCall, content: str | None = None) -> None:
        self.queue(ScriptedReply(content=content, tool_calls=tuple(calls)))

    def fail_next(
        self,
        count: int = 1,
        status: int = 500,
        *,
        retry_after: str | None = None,
        message: str | None = None,
        code: str | None = None,
        path: str | None = None,
    ) -> None:
        """Answer the next `count` requests with `status` (a 429 says `retry-after: 0`)."""
        if status == 429 and retry_after is None:
            retry_after = "0"
        fault = Fault(status=status, retry_after=retry_after, message=message, code=code, path=path)
        with self._lock:
            self._faults.extend([fault] * count)

    def delay_next(self, count: int = 1, seconds: float = 1.0, *, path: str | None = None) -> None:
        """Wait `seconds` before answering each of the next `count` requests."""
        with self._lock:
            self._faults.extend([Fault(delay=seconds, path=path)] * count)

    def break_stream_next(self) -> None:
        """The next streamed completion sends one text chunk, then an error event (no [DONE])."""
        with self._lock:
            self._faults.append(Fault(break_stream=True, path="/v1/chat/completions"))

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path in (path, "/v1" + path)]

    # --- request plumbing ------------------------------------------------------------------

    async def _record(self, request: Request) -> RecordedRequest:
        raw = await request.body()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        record = RecordedRequest(
            method=request.method,
            path=request.url.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
        )
        with self._lock:
            self._requests.append(record)
        return record

    def _check_auth(self, request: Request) -> Response | None:
        if not self.require_auth:
            return None
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return error_response(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        key = key.strip()
        if key != self.api_key:
            shown = key if self.echo_key_in_errors else mask_key(key)
            return error_response(
                401,
                f"Incorrect API key provided: {shown}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )
        return None

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(path):
                    return self._faults.pop(index)
        return None

    def _take_reply(self) -> ScriptedReply | None:
        with self._lock:
            return self._replies.pop(0) if self._replies else None

    async def _begin(
        self, request: Request
    ) -> tuple[RecordedRequest, Fault | None, Response | None]:
        """Record, authenticate, apply a fault; the third item is the answer if one is decided."""
        with self._lock:
            generation = self._generation
        record = await self._record(request)
        denied = self._check_auth(request)
        if denied is not None:
            return record, None, denied
        fault = self._take_fault(request.url.path)
        failed = await apply_fault(fault)
        with self._lock:
            stale = generation != self._generation
        if stale:
            # A delayed request from an earlier test (its client gave up long ago) must not
            # consume the replies or faults the current test scripted.
            return (
                record,
                fault,
                error_response(503, "The request outlived its test.", type_="server_error"),
            )
        return record, fault, failed

    async def _http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return error_response(404, f"Invalid URL ({request.method} {request.url.path})")
        if exc.status_code == 405:
            return error_response(405, f"Method not allowed ({request.method} {request.url.path})")
        return error_response(exc.status_code, str(exc.detail))

    # --- endpoints -------------------------------------------------------------------------

    async def _list_models(self, request: Request) -> Response:
        _, _, early = await self._begin(request)
        if early is not None:
            return early
        return list_models_response(self.models)

    async def _retrieve_model(self, request: Request) -> Response:
        _, _, early = await self._begin(request)
        if early is not None:
            return early
        return retrieve_model_response(request.path_params["model"], self.models)

    async def _chat_completions(self, request: Request) -> Response:
        record, fault, early = await self._begin(request)
        if early is not None:
            return early
        return chat_completion_response(
            record.body,
            models=self.models,
            take_reply=self._take_reply,
            broken=bool(fault and fault.break_stream),
        )

    async def _embeddings(self, request: Request) -> Response:
        record, _, early = await self._begin(request)
        if early is not None:
            return early
        return embeddings_response(
            record.body, models=self.models, default_dimensions=self.embedding_dimensions
        )


@contextmanager
def run_openai_simulator() -> Iterator[OpenAISimulator]:
    """Serve a fresh simulator for the duration of the block."""
    with OpenAISimulator() as simulator:
        yield simulator
