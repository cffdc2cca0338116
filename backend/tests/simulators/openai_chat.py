"""`POST /v1/chat/completions` of the OpenAI simulator: JSON answers and server-sent events.

The answer is the next scripted reply, or (with nothing queued) a call to the function that
`tool_choice` forces, or `Echo: <last user message>`. `max_completion_tokens` / `max_tokens` cut
the text (`finish_reason: "length"`); `usage` counts tokens with the simulator's tokenizer. With
`stream: true` the text goes out piece by piece, tool-call arguments in 8-character fragments, and
`stream_options.include_usage` adds the final usage chunk; a broken stream stops after one text
chunk with an error event (no `[DONE]`).
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

from starlette.responses import JSONResponse, Response, StreamingResponse

from tests.simulators.openai_scripting import ScriptedReply, ScriptedToolCall
from tests.simulators.openai_wire import (
    SYSTEM_FINGERPRINT,
    count_tokens,
    error_response,
    missing_model,
    response_headers,
    token_usage,
    unknown_model,
    unparsable_body,
)

_PIECE_RE = re.compile(r"\S+\s*|\s+")


def text_of(content: Any) -> str:
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


def prompt_tokens(messages: Sequence[Any], tools: Any) -> int:
    total = 3
    for message in messages:
        if not isinstance(message, dict):
            continue
        total += 3 + count_tokens(text_of(message.get("content")))
        if isinstance(message.get("name"), str):
            total += 1 + count_tokens(message["name"])
        for call in message.get("tool_calls") or []:
            function = call.get("function", {}) if isinstance(call, dict) else {}
            total += count_tokens(str(function.get("name", "")))
            total += count_tokens(str(function.get("arguments", "")))
    if tools:
        total += count_tokens(json.dumps(tools))
    return total


def truncate(text: str, limit: int | None) -> tuple[str, bool]:
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


def choose_reply(scripted: ScriptedReply | None, body: dict[str, Any]) -> ScriptedReply:
    """The reply to give: the scripted one (minus tool calls under `tool_choice: "none"`), else
    a call to the function `tool_choice` forces, else an echo of the last user message."""
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
            last_user = text_of(message.get("content"))
            break
    return ScriptedReply(content=f"Echo: {last_user}")


def chat_completion_response(
    body: Any,
    *,
    models: Sequence[str],
    take_reply: Callable[[], ScriptedReply | None],
    broken: bool,
) -> Response:
    """Answer a chat completions request body; `take_reply` pops the next scripted reply (only
    once the request is valid), `broken` breaks a streamed answer."""
    if not isinstance(body, dict):
        return unparsable_body()
    model = body.get("model")
    messages = body.get("messages")
    if not isinstance(model, str) or not model:
        return missing_model()
    if not isinstance(messages, list) or not messages:
        return error_response(
            400,
            "Invalid 'messages': empty array. Expected an array with minimum length 1.",
            param="messages",
            code="empty_array",
        )
    if model not in models:
        return unknown_model(model)

    reply = choose_reply(take_reply(), body)
    limit = body.get("max_completion_tokens") or body.get("max_tokens")
    content, cut = (None, False) if reply.content is None else truncate(reply.content, limit)
    calls = reply.tool_calls
    finish = reply.finish_reason or ("length" if cut else "tool_calls" if calls else "stop")
    prompt = prompt_tokens(messages, body.get("tools"))
    completion = count_tokens(content or "") + sum(
        count_tokens(c.name) + count_tokens(c.arguments) for c in calls
    )
    completion_id = "chatcmpl-" + secrets.token_hex(12)
    created = int(time.time())

    if body.get("stream"):
        options = body.get("stream_options") or {}
        include_usage = bool(isinstance(options, dict) and options.get("include_usage"))
        events = stream_events(
            completion_id=completion_id,
            created=created,
            model=model,
            content=content,
            calls=calls,
            finish=finish,
            usage=token_usage(prompt, completion) if include_usage else None,
            broken=broken,
        )
        return StreamingResponse(events, media_type="text/event-stream", headers=response_headers())

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
            "usage": token_usage(prompt, completion),
            "service_tier": "default",
            "system_fingerprint": SYSTEM_FINGERPRINT,
        },
        headers=response_headers(),
    )


async def stream_events(
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
    """The server-sent events of one streamed completion, ending with `data: [DONE]`."""

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
