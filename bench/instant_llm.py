"""The chat benchmark's model: an OpenAI-compatible server that answers at once, and times itself.

`POST /v1/chat/completions` answers `ANSWER` (citing passage [1]) as one JSON completion or, with
`stream: true`, as server-sent chunks (role, one chunk per word, finish, the usage chunk that
`stream_options.include_usage` asks for, `[DONE]`), all sent without waiting. `GET /v1/models`
lists `MODEL`. A bare ASGI app (no framework), served by uvicorn in its own process so that it
shares no interpreter with the API or the client measuring them.

Every chat request is timed from the moment the app is called to its last byte handed to the
server (`total_ms`) and to its first content chunk (`first_ms`, streams): what the model's side
costs, to subtract from a turn's latency. `GET /stats` returns those records in order and
`POST /stats/reset` clears them. Run as `python -m bench.instant_llm` with PORT (and HOST).
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

MODEL = "bench-instant"
ANSWER = "Bracket X costs $49 [1], with a two-year warranty and free returns within 30 days."

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_records: list[dict[str, Any]] = []
_JSON = [(b"content-type", b"application/json")]
_SSE = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]


def _completion(prompt_tokens: int) -> bytes:
    return orjson.dumps(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": ANSWER},
                    "finish_reason": "stop",
                }
            ],
            "usage": _usage(prompt_tokens),
        }
    )


def _usage(prompt_tokens: int) -> dict[str, int]:
    completion_tokens = len(ANSWER.split())
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
    body = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]
        if delta or finish
        else [],
        **extra,
    }
    return b"data: " + orjson.dumps(body) + b"\n\n"


async def _read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)


async def _respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _chat(receive: Receive, send: Send, started: float) -> None:
    request = orjson.loads(await _read_body(receive))
    prompt_tokens = sum(len(str(m.get("content") or "").split()) for m in request["messages"])
    if not request.get("stream"):
        await _respond(send, 200, _JSON, _completion(prompt_tokens))
        _records.append({"stream": False, "total_ms": (time.perf_counter() - started) * 1000})
        return
    await send({"type": "http.response.start", "status": 200, "headers": _SSE})
    more = {"type": "http.response.body", "more_body": True}
    await send({**more, "body": _chunk({"role": "assistant", "content": ""})})
    first_ms = 0.0
    for i, word in enumerate(ANSWER.split(" ")):
        await send({**more, "body": _chunk({"content": word if i == 0 else " " + word})})
        if i == 0:
            first_ms = (time.perf_counter() - started) * 1000
    await send({**more, "body": _chunk({}, "stop")})
    await send({**more, "body": _chunk({}, usage=_usage(prompt_tokens))})
    await send({"type": "http.response.body", "body": b"data: [DONE]\n\n"})
    _records.append(
        {"stream": True, "first_ms": first_ms, "total_ms": (time.perf_counter() - started) * 1000}
    )


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":  # lifespan: nothing to set up
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
        return
    started = time.perf_counter()
    path, method = scope["path"], scope["method"]
    if method == "POST" and path == "/v1/chat/completions":
        await _chat(receive, send, started)
    elif method == "GET" and path == "/v1/models":
        models = {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0}]}
        await _respond(send, 200, _JSON, orjson.dumps(models))
    elif method == "GET" and path == "/stats":
        await _respond(send, 200, _JSON, orjson.dumps(_records))
    elif method == "POST" and path == "/stats/reset":
        _records.clear()
        await _respond(send, 200, _JSON, b"{}")
    elif path == "/healthz":
        await _respond(send, 200, _JSON, b"{}")
    else:
        await _respond(send, 404, _JSON, b'{"error": {"message": "not found"}}')


def main() -> None:
    import uvicorn

    uvicorn.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ["PORT"]),
        log_level="warning",
        access_log=False,
        lifespan="on",
    )


if __name__ == "__main__":
    main()
