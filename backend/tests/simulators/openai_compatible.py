"""A local server that speaks OpenAI's HTTP API (the parts we use), for tests.

Real HTTP on loopback: uvicorn serves a small Starlette app from a background thread on a free port,
so the official `openai` SDK talks to it exactly as it talks to api.openai.com, OpenRouter or a
self-hosted Ollama / vLLM / llama.cpp server; nothing in the SDK or in our code is patched.

Endpoints (under `/v1`): `GET /models`, `GET /models/{id}`, `POST /chat/completions` (JSON, or
server-sent events with `stream: true`, including the `stream_options.include_usage` chunk) and
`POST /embeddings` (`encoding_format` float or base64). Field names, `object` values,
`finish_reason`, `usage` and the error shape `{"error": {"message", "type", "param", "code"}}` are
OpenAI's.

Scripting, per test (all methods are thread-safe; the server runs in its own thread and loop):
- `reply("text")`, `reply_tool_call("name", {...})`, `queue(ScriptedReply(...))`: the next chat
  completions answer with these, in order. With nothing queued the answer echoes the last user
  message (`Echo: <text>`), or calls the function that `tool_choice` forces.
- `fail_next(n, status=429 | 500 | 503, retry_after=...)`, `delay_next(n, seconds)`,
  `break_stream_next()`: faults for the next requests (optionally only those to one path).
- `requests`: every request received (method, path, lower-cased headers, JSON body).
- `api_key`, `require_auth`, `echo_key_in_errors`, `models`, `embedding_dimensions`: settings that
  `reset()` puts back to their defaults.

Embeddings are feature-hashed: each lower-cased word is hashed (SHAKE-256) to a vector and the sum
is L2-normalised. The result is deterministic (see `embedding_vector`), and texts that share words
point in similar directions, so retrieval tests rank sensibly. Texts with the same multiset of
words get the same vector; a text with no word characters is hashed whole.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import json
import re
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

DEFAULT_API_KEY = "sk-sim-test-0123456789abcdefghijklmnop"
DEFAULT_MODELS = ("gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "text-embedding-3-large")
DEFAULT_EMBEDDING_DIMENSIONS = 1536
MAX_EMBEDDING_INPUTS = 2048
SYSTEM_FINGERPRINT = "fp_simulator"
MODEL_CREATED = 1_700_000_000

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_WORD_RE = re.compile(r"\w+")
_PIECE_RE = re.compile(r"\S+\s*|\s+")


def count_tokens(text: str) -> int:
    """The simulator's tokenizer: words and punctuation marks (deterministic, not tiktoken)."""
    return len(_TOKEN_RE.findall(text))


@functools.lru_cache(maxsize=65_536)
def _feature_vector(feature: str, dimensions: int) -> npt.NDArray[np.float64]:
    raw = hashlib.shake_256(f"{dimensions}:{feature}".encode()).digest(4 * dimensions)
    vector = np.frombuffer(raw, dtype="<u4").astype(np.float64) / 2**31 - 1.0
    vector.setflags(write=False)
    return vector


def embedding_vector(text: str, dimensions: int = DEFAULT_EMBEDDING_DIMENSIONS) -> list[float]:
    """The unit vector the simulator returns for `text` (as float64; base64 carries float32)."""
    features = _WORD_RE.findall(text.lower()) or [f"\0{text}"]
    total = np.zeros(dimensions, dtype=np.float64)
    for feature in features:
        total += _feature_vector(feature, dimensions)
    norm = float(np.linalg.norm(total))
    if norm == 0.0:  # pragma: no cover - cancelling hashes are astronomically unlikely
        total = _feature_vector(f"\0{text}", dimensions).copy()
        norm = float(np.linalg.norm(total))
    unit: list[float] = (total / norm).tolist()
    return unit


# --- scripting -----------------------------------------------------------------------------


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


# --- wire helpers --------------------------------------------------------------------------


def _error(
    status: int,
    message: str,
    *,
    type_: str = "invalid_request_error",
    code: str | None = None,
    param: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def _mask(key: str) -> str:
    if len(key) < 12:
        return "*" * len(key)
    return key[:3] + "*" * (len(key) - 7) + key[-4:]


def _text_of(content: Any) -> str:
    """Message content as text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""


def _prompt_tokens(messages: Sequence[Any], tools: Any) -> int:
    total = 3
    for message in messages:
        if not isinstance(message, dict):
            continue
        total += 3 + count_tokens(_text_of(message.get("content")))
        if isinstance(message.get("name"), str):
            total += 1 + count_tokens(message["name"])
        for call in message.get("tool_calls") or []:
            function = call.get("function", {}) if isinstance(call, dict) else {}
            total += count_tokens(str(function.get("name", "")))
            total += count_tokens(str(function.get("arguments", "")))
    if tools:
        total += count_tokens(json.dumps(tools))
    return total


def _usage(prompt: int, completion: int) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _truncate(text: str, limit: int | None) -> tuple[str, bool]:
    """The text cut to at most `limit` tokens, and whether it was cut."""
    if limit is None or count_tokens(text) <= limit:
        return text, False
    out: list[str] = []
    used = 0
    for piece in _PIECE_RE.findall(text):
        cost = count_tokens(piece)
        if used + cost > limit:
            break
        out.append(piece)
        used += cost
    return "".join(out).rstrip(), True


# --- the simulator -------------------------------------------------------------------------


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
            return _error(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        key = key.strip()
        if key != self.api_key:
            shown = key if self.echo_key_in_errors else _mask(key)
            return _error(
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

    async def _apply_fault(self, fault: Fault | None) -> Response | None:
        if fault is None:
            return None
        if fault.delay:
            await asyncio.sleep(fault.delay)
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
            return _error(
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
            return _error(
                fault.status,
                fault.message or default,
                type_="server_error",
                code=fault.code,
                headers=headers,
            )
        return _error(fault.status, fault.message or "Request failed.", code=fault.code)

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
        failed = await self._apply_fault(fault)
        with self._lock:
            stale = generation != self._generation
        if stale:
            # A delayed request from an earlier test (its client gave up long ago) must not
            # consume the replies or faults the current test scripted.
            return (
                record,
                fault,
                _error(503, "The request outlived its test.", type_="server_error"),
            )
        return record, fault, failed

    def _unknown_model(self, model: str) -> Response:
        return _error(
            404,
            f"The model `{model}` does not exist or you do not have access to it.",
            code="model_not_found",
        )

    async def _http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return _error(404, f"Invalid URL ({request.method} {request.url.path})")
        if exc.status_code == 405:
            return _error(405, f"Method not allowed ({request.method} {request.url.path})")
        return _error(exc.status_code, str(exc.detail))

    @staticmethod
    def _headers() -> dict[str, str]:
        return {"x-request-id": "req_" + secrets.token_hex(16), "openai-processing-ms": "1"}

    # --- endpoints -------------------------------------------------------------------------

    def _model_object(self, model: str) -> dict[str, Any]:
        return {"id": model, "object": "model", "created": MODEL_CREATED, "owned_by": "system"}

    async def _list_models(self, request: Request) -> Response:
        _, _, early = await self._begin(request)
        if early is not None:
            return early
        data = [self._model_object(m) for m in self.models]
        return JSONResponse({"object": "list", "data": data}, headers=self._headers())

    async def _retrieve_model(self, request: Request) -> Response:
        _, _, early = await self._begin(request)
        if early is not None:
            return early
        model = request.path_params["model"]
        if model not in self.models:
            return self._unknown_model(model)
        return JSONResponse(self._model_object(model), headers=self._headers())

    async def _chat_completions(self, request: Request) -> Response:
        record, fault, early = await self._begin(request)
        if early is not None:
            return early
        body = record.body
        if not isinstance(body, dict):
            return _error(400, "We could not parse the JSON body of your request.")
        model = body.get("model")
        messages = body.get("messages")
        if not isinstance(model, str) or not model:
            return _error(400, "you must provide a model parameter", param="model")
        if not isinstance(messages, list) or not messages:
            return _error(
                400,
                "Invalid 'messages': empty array. Expected an array with minimum length 1.",
                param="messages",
                code="empty_array",
            )
        if model not in self.models:
            return self._unknown_model(model)

        reply = self._next_reply(body)
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        content, cut = (None, False) if reply.content is None else _truncate(reply.content, limit)
        calls = reply.tool_calls
        finish = reply.finish_reason or ("length" if cut else "tool_calls" if calls else "stop")
        prompt = _prompt_tokens(messages, body.get("tools"))
        completion = count_tokens(content or "") + sum(
            count_tokens(c.name) + count_tokens(c.arguments) for c in calls
        )
        completion_id = "chatcmpl-" + secrets.token_hex(12)
        created = int(time.time())

        if body.get("stream"):
            options = body.get("stream_options") or {}
            include_usage = bool(isinstance(options, dict) and options.get("include_usage"))
            events = self._stream_events(
                completion_id=completion_id,
                created=created,
                model=model,
                content=content,
                calls=calls,
                finish=finish,
                usage=_usage(prompt, completion) if include_usage else None,
                broken=bool(fault and fault.break_stream),
            )
            return StreamingResponse(
                events, media_type="text/event-stream", headers=self._headers()
            )

        message: dict[str, Any] = {
            "role": "assistant",
            "content": content,
            "refusal": None,
            "annotations": [],
        }
        if calls:
            message["tool_calls"] = [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments},
                }
                for c in calls
            ]
        return JSONResponse(
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "choices": [
                    {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
                ],
                "usage": _usage(prompt, completion),
                "service_tier": "default",
                "system_fingerprint": SYSTEM_FINGERPRINT,
            },
            headers=self._headers(),
        )

    def _next_reply(self, body: dict[str, Any]) -> ScriptedReply:
        with self._lock:
            scripted = self._replies.pop(0) if self._replies else None
        tool_choice = body.get("tool_choice")
        if scripted is not None:
            if tool_choice == "none" and scripted.tool_calls:
                # A model told not to call tools does not; keep the text, drop the calls.
                return ScriptedReply(content=scripted.content or "", finish_reason="stop")
            return scripted
        if isinstance(tool_choice, dict):
            forced = (tool_choice.get("function") or {}).get("name")
            if isinstance(forced, str) and forced:
                return ScriptedReply(tool_calls=(ScriptedToolCall(name=forced, arguments="{}"),))
        last_user = ""
        for message in reversed(body.get("messages") or []):
            if isinstance(message, dict) and message.get("role") == "user":
                last_user = _text_of(message.get("content"))
                break
        return ScriptedReply(content=f"Echo: {last_user}")

    async def _stream_events(
        self,
        *,
        completion_id: str,
        created: int,
        model: str,
        content: str | None,
        calls: tuple[ScriptedToolCall, ...],
        finish: str,
        usage: dict[str, Any] | None,
        broken: bool,
    ) -> AsyncIterator[bytes]:
        def event(payload: Mapping[str, Any]) -> bytes:
            return f"data: {json.dumps(payload, separators=(',', ':'))}\n\n".encode()

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
            payload: dict[str, Any] = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "service_tier": "default",
                "system_fingerprint": SYSTEM_FINGERPRINT,
                "choices": [
                    {
                        "index": 0,
                        "delta": delta,
                        "logprobs": None,
                        "finish_reason": finish_reason,
                    }
                ],
            }
            if usage is not None:
                payload["usage"] = None
            return event(payload)

        first: dict[str, Any] = {"role": "assistant", "content": "", "refusal": None}
        if calls and not content:
            first["content"] = None
        yield chunk(first)
        for piece in _PIECE_RE.findall(content or ""):
            yield chunk({"content": piece})
            await asyncio.sleep(0)
            if broken:
                yield event(
                    {
                        "error": {
                            "message": "The server had an error while processing your request.",
                            "type": "server_error",
                            "param": None,
                            "code": None,
                        }
                    }
                )
                return
        for index, call in enumerate(calls):
            yield chunk(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": ""},
                        }
                    ]
                }
            )
            arguments = call.arguments
            for start in range(0, len(arguments), 8):
                part = arguments[start : start + 8]
                yield chunk({"tool_calls": [{"index": index, "function": {"arguments": part}}]})
            await asyncio.sleep(0)
        yield chunk({}, finish)
        if usage is not None:
            yield event(
                {
                    "id": completion_id,
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": model,
                    "service_tier": "default",
                    "system_fingerprint": SYSTEM_FINGERPRINT,
                    "choices": [],
                    "usage": usage,
                }
            )
        yield b"data: [DONE]\n\n"

    async def _embeddings(self, request: Request) -> Response:
        record, _, early = await self._begin(request)
        if early is not None:
            return early
        body = record.body
        if not isinstance(body, dict):
            return _error(400, "We could not parse the JSON body of your request.")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            return _error(400, "you must provide a model parameter", param="model")
        texts = self._embedding_inputs(body.get("input"))
        if texts is None:
            return _error(
                400,
                "'$.input' is invalid. Please check the API reference: "
                "https://platform.openai.com/docs/api-reference.",
                param="input",
            )
        if len(texts) > MAX_EMBEDDING_INPUTS:
            return _error(
                400,
                f"'$.input' is invalid: at most {MAX_EMBEDDING_INPUTS} inputs per request.",
                param="input",
            )
        if model not in self.models:
            return self._unknown_model(model)
        dimensions = body.get("dimensions") or self.embedding_dimensions
        if not isinstance(dimensions, int) or dimensions < 1:
            return _error(400, "Invalid 'dimensions'.", param="dimensions")
        encoding = body.get("encoding_format") or "float"
        if encoding not in ("float", "base64"):
            return _error(400, "Invalid 'encoding_format'.", param="encoding_format")
        data = []
        for index, text in enumerate(texts):
            vector = embedding_vector(text, dimensions)
            embedding: Any = vector
            if encoding == "base64":
                packed = np.asarray(vector, dtype="<f4").tobytes()
                embedding = base64.b64encode(packed).decode()
            data.append({"object": "embedding", "index": index, "embedding": embedding})
        tokens = sum(max(1, count_tokens(t)) for t in texts)
        return JSONResponse(
            {
                "object": "list",
                "data": data,
                "model": model,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
            headers=self._headers(),
        )

    @staticmethod
    def _embedding_inputs(raw: Any) -> list[str] | None:
        """The inputs as texts (token arrays are hashed as their numbers), or None if invalid."""
        items: list[Any]
        one_token_array = isinstance(raw, list) and raw and all(isinstance(x, int) for x in raw)
        if isinstance(raw, str) or one_token_array:
            items = [raw]
        elif isinstance(raw, list) and raw:
            items = raw
        else:
            return None
        texts = []
        for item in items:
            if isinstance(item, str) and item:
                texts.append(item)
            elif isinstance(item, list) and item and all(isinstance(x, int) for x in item):
                texts.append(" ".join(str(x) for x in item))
            else:
                return None
        return texts


@contextmanager
def run_openai_simulator() -> Iterator[OpenAISimulator]:
    """Serve a fresh simulator for the duration of the block."""
    with OpenAISimulator() as simulator:
        yield simulator
