"""The one client for OpenAI-compatible providers: OpenAI, OpenRouter and self-hosted servers.

Every provider is reached through the official `openai` SDK: OpenAI itself, OpenRouter (same API,
optional attribution headers) and any server that speaks the same protocol (Ollama, vLLM,
llama.cpp) by its base URL. This module is a pure client layer: it takes a `ProviderConfig` (built
by the resolver from settings or a tenant's row) and never touches the database.

What callers get:
- `chat`, `stream_chat`, `embed`, `list_models`, `check_health`, with typed results
  (`llm_results`); `chat` can ask for structured output (`json_schema_format`);
- failures as our problem errors (`ProviderAuthFailed`, `UnknownModel`, `ProviderRateLimited`,
  `ProviderUnavailable`, `ProviderTimeout`, ...), whose messages never contain the API key, even
  when the provider echoes it back (`provider_errors`);
- Prometheus metrics: `llm_request_duration_seconds`, `llm_tokens_total`, `llm_errors_total`,
  labelled by provider kind (bounded, unlike tenants' provider names), model and operation
  (`llm_metrics`).
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import openai
from openai import AsyncOpenAI, omit
from openai.types.chat import (
    ChatCompletionMessageParam,
    ChatCompletionToolChoiceOptionParam,
    ChatCompletionToolUnionParam,
)
from openai.types.chat.completion_create_params import ResponseFormat
from openai.types.shared_params import ResponseFormatJSONSchema

from agentplatform.ai.llm_metrics import ProviderCall
from agentplatform.ai.llm_results import (
    ChatDelta,
    ChatResult,
    EmbeddingResult,
    ProviderHealth,
    ToolCall,
)
from agentplatform.ai.provider_errors import ProviderAuthFailed, ProviderError

APP_TITLE = "GPT Agent Platform"
# The SDK refuses to build a client without a key; servers that need none ignore this one.
PLACEHOLDER_API_KEY = "not-needed"
DEFAULT_EMBED_BATCH_SIZE = 100
CLIENT_CACHE_SIZE = 64


class ProviderKind(StrEnum):
    openai = "openai"
    openrouter = "openrouter"
    compatible = "compatible"  # Ollama, vLLM, llama.cpp, LM Studio, ...: any base URL


DEFAULT_BASE_URLS: dict[ProviderKind, str] = {
    ProviderKind.openai: "https://api.openai.com/v1",
    ProviderKind.openrouter: "https://openrouter.ai/api/v1",
}

ChatMessage = ChatCompletionMessageParam
ToolDefinition = ChatCompletionToolUnionParam
ToolChoice = ChatCompletionToolChoiceOptionParam


def json_schema_format(name: str, schema: dict[str, object]) -> ResponseFormatJSONSchema:
    """Structured output: the answer must be JSON that follows `schema` (in strict mode, every
    property required and no others allowed). Servers that do not enforce it may still answer
    anything, so validate what comes back."""
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}


@dataclass(frozen=True, repr=False)
class ProviderConfig:
    """How to reach one provider. The key is never shown by `repr` (nor by logs that use it)."""

    kind: ProviderKind
    base_url: str
    api_key: str | None = field(repr=False)
    name: str  # what people call it ("OpenAI", "Office Ollama"); shown in errors
    timeout_seconds: float = 60.0
    max_retries: int = 3
    # OpenRouter's optional attribution headers (`HTTP-Referer`, `X-Title`); ignored elsewhere.
    app_url: str | None = None
    app_title: str | None = APP_TITLE

    def __repr__(self) -> str:
        key = "'<set>'" if self.api_key else "None"
        return (
            f"ProviderConfig(kind={self.kind.value!r}, name={self.name!r}, "
            f"base_url={self.base_url!r}, api_key={key}, "
            f"timeout_seconds={self.timeout_seconds!r}, max_retries={self.max_retries!r})"
        )

    __str__ = __repr__


# --- clients -------------------------------------------------------------------------------


def _api_key(config: ProviderConfig) -> str:
    if config.api_key:
        return config.api_key
    if config.kind is ProviderKind.compatible:
        return PLACEHOLDER_API_KEY
    raise ProviderAuthFailed(f"No API key is configured for {config.name}.", provider=config.name)


def _default_headers(config: ProviderConfig) -> dict[str, str] | None:
    if config.kind is not ProviderKind.openrouter:
        return None
    headers = {}
    if config.app_url:
        headers["HTTP-Referer"] = config.app_url
    if config.app_title:
        headers["X-Title"] = config.app_title
    return headers or None


@dataclass
class _CachedClient:
    client: AsyncOpenAI
    loop: weakref.ref[asyncio.AbstractEventLoop] | None


_clients: OrderedDict[tuple[object, ...], _CachedClient] = OrderedDict()
_clients_lock = threading.Lock()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def client_for(config: ProviderConfig) -> AsyncOpenAI:
    """The SDK client for this provider, shared by every call with the same settings.

    Retries are the SDK's own: up to `max_retries` more attempts on connection errors, timeouts,
    408/409/429 and 5xx, with exponential backoff (0.5 s doubling, at most 8 s, minus up to 25%
    jitter) that gives way to the provider's `Retry-After`/`retry-after-ms` when it sends one (up
    to two minutes; a longer one is not retried). A stream is retried only until it starts.

    Cached by kind, base URL, sha256 of the key, timeout, retries and attribution headers (the key
    itself is never a cache key), in a bounded LRU. A client's connection pool belongs to the
    event loop that first used it, so each loop gets its own client. An evicted client is not
    closed here (a call may still be using it); its connections close when it is collected.
    """
    loop = _running_loop()
    key_hash = hashlib.sha256((config.api_key or "").encode()).hexdigest()
    cache_key: tuple[object, ...] = (
        config.kind.value,
        config.base_url.rstrip("/"),
        key_hash,
        float(config.timeout_seconds),
        config.max_retries,
        config.app_url,
        config.app_title,
        id(loop),
    )
    with _clients_lock:
        cached = _clients.get(cache_key)
        if cached is not None and (cached.loop() if cached.loop else None) is loop:
            _clients.move_to_end(cache_key)
            return cached.client
    client = AsyncOpenAI(
        api_key=_api_key(config),
        base_url=config.base_url,
        timeout=config.timeout_seconds,
        max_retries=config.max_retries,
        default_headers=_default_headers(config),
    )
    with _clients_lock:
        _clients[cache_key] = _CachedClient(client, weakref.ref(loop) if loop else None)
        _clients.move_to_end(cache_key)
        while len(_clients) > CLIENT_CACHE_SIZE:
            _clients.popitem(last=False)
    return client


async def close_clients() -> None:
    """Close every cached client of the running loop and forget all (for shutdown and tests)."""
    loop = _running_loop()
    with _clients_lock:
        entries = list(_clients.values())
        _clients.clear()
    for entry in entries:
        if entry.loop is not None and entry.loop() is loop:
            await entry.client.close()


# --- calls ---------------------------------------------------------------------------------


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _chat_arguments(
    config: ProviderConfig,
    *,
    tools: Sequence[ToolDefinition] | None,
    tool_choice: ToolChoice | None,
    temperature: float | None,
    max_tokens: int | None,
) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    if tools:
        arguments["tools"] = list(tools)
        if tool_choice is not None:
            arguments["tool_choice"] = tool_choice
    if temperature is not None:
        arguments["temperature"] = temperature
    if max_tokens is not None:
        # OpenAI's newer models refuse `max_tokens`; other servers may not know its successor.
        name = "max_completion_tokens" if config.kind is ProviderKind.openai else "max_tokens"
        arguments[name] = max_tokens
    return arguments


async def chat(
    config: ProviderConfig,
    *,
    model: str,
    messages: Sequence[ChatMessage],
    tools: Sequence[ToolDefinition] | None = None,
    tool_choice: ToolChoice | None = None,
    temperature: float | None = None,
    max_tokens: int | None = None,
    response_format: ResponseFormat | None = None,
) -> ChatResult:
    """One chat completion; tool calls come back in `tool_calls` for the caller to run.

    `response_format` asks for JSON (see `json_schema_format`); the text is the JSON as written.
    """
    call = ProviderCall(config, model, "chat")
    extra = _chat_arguments(
        config, tools=tools, tool_choice=tool_choice, temperature=temperature, max_tokens=max_tokens
    )
    error: ProviderError | None = None
    try:
        client = client_for(config)
        completion = await client.chat.completions.create(
            model=model,
            messages=list(messages),
            tools=extra.get("tools", omit),
            tool_choice=extra.get("tool_choice", omit),
            temperature=extra.get("temperature", omit),
            max_tokens=extra.get("max_tokens", omit),
            max_completion_tokens=extra.get("max_completion_tokens", omit),
            response_format=response_format if response_format is not None else omit,
        )
        if not completion.choices:
            raise ProviderError(
                f"{config.name} answered without any choice.", provider=config.name, model=model
            )
    except (openai.OpenAIError, ProviderError) as exc:
        error = call.failed(exc)
    if error is not None:
        raise error  # outside the except block, so the SDK's error is not chained

    choice = completion.choices[0]
    message = choice.message
    tool_calls = [
        ToolCall(id=tc.id, name=tc.function.name, arguments=tc.function.arguments or "")
        for tc in message.tool_calls or []
        if tc.type == "function"
    ]
    usage = completion.usage
    tokens_in = usage.prompt_tokens if usage else 0
    tokens_out = usage.completion_tokens if usage else 0
    call.succeeded(tokens_in, tokens_out)
    return ChatResult(
        text=message.content or "",
        tool_calls=tool_calls,
        finish_reason=choice.finish_reason,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        latency_ms=call.elapsed_ms(),
        model=completion.model or model,
    )


@dataclass
class _PartialToolCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


async def stream_chat(
    config: ProviderConfig,
    *,
    model: str,
    messages: Sequence[ChatMessage],
    tools: Sequence[ToolDefinition] | None = None,
    tool_choice: ToolChoice | None = None,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> AsyncGenerator[ChatDelta]:
    """A chat completion as it is written: text deltas, then one `done` delta with the totals.

    The final delta carries the finish reason, the assembled tool calls and the token usage
    (requested with `stream_options.include_usage`; zero if the server does not send it). A
    caller that may stop early wraps it in `contextlib.aclosing` so the HTTP stream closes at once.
    """
    call = ProviderCall(config, model, "chat_stream")
    extra = _chat_arguments(
        config, tools=tools, tool_choice=tool_choice, temperature=temperature, max_tokens=max_tokens
    )
    finish_reason: str | None = None
    reported_model: str | None = None
    tokens_in = tokens_out = 0
    partial_calls: dict[int, _PartialToolCall] = {}
    error: ProviderError | None = None
    try:
        client = client_for(config)
        stream = await client.chat.completions.create(
            model=model,
            messages=list(messages),
            tools=extra.get("tools", omit),
            tool_choice=extra.get("tool_choice", omit),
            temperature=extra.get("temperature", omit),
            max_tokens=extra.get("max_tokens", omit),
            max_completion_tokens=extra.get("max_completion_tokens", omit),
            stream=True,
            stream_options={"include_usage": True},
        )
        async with stream:
            async for chunk in stream:
                reported_model = chunk.model or reported_model
                if chunk.usage is not None:
                    tokens_in = chunk.usage.prompt_tokens
                    tokens_out = chunk.usage.completion_tokens
                for choice in chunk.choices:
                    if choice.index != 0:
                        continue
                    if choice.finish_reason:
                        finish_reason = choice.finish_reason
                    delta = choice.delta
                    for piece in delta.tool_calls or []:
                        partial = partial_calls.setdefault(piece.index, _PartialToolCall())
                        if piece.id:
                            partial.id = piece.id
                        if piece.function is not None:
                            if piece.function.name:
                                partial.name = piece.function.name
                            if piece.function.arguments:
                                partial.arguments.append(piece.function.arguments)
                    if delta.content:
                        yield ChatDelta(text=delta.content)
    except (openai.OpenAIError, ProviderError) as exc:
        error = call.failed(exc)
    if error is not None:
        raise error

    call.succeeded(tokens_in, tokens_out)
    yield ChatDelta(
        done=True,
        finish_reason=finish_reason,
        tool_calls=[
            ToolCall(id=p.id, name=p.name, arguments="".join(p.arguments))
            for _, p in sorted(partial_calls.items())
        ],
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        latency_ms=call.elapsed_ms(),
        model=reported_model or model,
    )


async def embed(
    config: ProviderConfig,
    *,
    model: str,
    texts: Sequence[str],
    batch_size: int = DEFAULT_EMBED_BATCH_SIZE,
    dimensions: int | None = None,
) -> EmbeddingResult:
    """Vectors for `texts`, in order, asking for at most `batch_size` texts per request."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.perf_counter()
    vectors: list[list[float]] = []
    tokens_in = 0
    for start in range(0, len(texts), batch_size):
        batch = list(texts[start : start + batch_size])
        call = ProviderCall(config, model, "embed")
        error: ProviderError | None = None
        try:
            client = client_for(config)
            response = await client.embeddings.create(
                model=model,
                input=batch,
                dimensions=dimensions if dimensions is not None else omit,
                # OpenAI sends base64 (smaller; the SDK decodes it); other servers may only know
                # floats.
                encoding_format=omit if config.kind is ProviderKind.openai else "float",
            )
            if len(response.data) != len(batch):
                raise ProviderError(
                    f"{config.name} returned {len(response.data)} vectors for {len(batch)} texts.",
                    provider=config.name,
                    model=model,
                )
        except (openai.OpenAIError, ProviderError) as exc:
            error = call.failed(exc)
        if error is not None:
            raise error
        batch_tokens = response.usage.prompt_tokens if response.usage else 0
        call.succeeded(batch_tokens)
        tokens_in += batch_tokens
        vectors.extend(list(item.embedding) for item in sorted(response.data, key=_index))
    return EmbeddingResult(
        vectors=vectors, tokens_in=tokens_in, latency_ms=_ms(started), model=model
    )


def _index(item: Any) -> int:
    return int(item.index)


async def _list_models(config: ProviderConfig, client: AsyncOpenAI | None = None) -> list[str]:
    call = ProviderCall(config, "", "list_models")
    error: ProviderError | None = None
    try:
        models = [m.id async for m in (client or client_for(config)).models.list()]
    except (openai.OpenAIError, ProviderError) as exc:
        error = call.failed(exc)
    if error is not None:
        raise error
    call.succeeded()
    return models


async def list_models(config: ProviderConfig) -> list[str]:
    """The ids of the models the provider offers, in the provider's order."""
    return await _list_models(config)


async def check_health(config: ProviderConfig) -> ProviderHealth:
    """Whether the provider answers with this key: lists its models once, without retrying."""
    started = time.perf_counter()
    try:
        client = client_for(config).with_options(max_retries=0)
        models = await _list_models(config, client)
    except ProviderError as exc:
        return ProviderHealth(
            ok=False, latency_ms=_ms(started), detail=exc.detail or exc.title, code=exc.code
        )
    return ProviderHealth(
        ok=True,
        latency_ms=_ms(started),
        detail=f"{len(models)} models available",
        model_count=len(models),
    )
