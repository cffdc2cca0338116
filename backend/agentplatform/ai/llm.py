"""The one client for OpenAI-compatible providers: OpenAI, OpenRouter and self-hosted servers.

Every provider is reached through the official `openai` SDK: OpenAI itself, OpenRouter (same API,
optional attribution headers) and any server that speaks the same protocol (Ollama, vLLM,
llama.cpp) by its base URL. This module is a pure client layer: it takes a `ProviderConfig` (built
by the resolver from settings or a tenant's row) and never touches the database.

What callers get:
- `chat`, `stream_chat`, `embed`, `list_models`, `check_health`, with typed results;
- failures as our problem errors (`ProviderAuthFailed`, `UnknownModel`, `ProviderRateLimited`,
  `ProviderUnavailable`, `ProviderTimeout`, ...), whose messages never contain the API key, even
  when the provider echoes it back;
- Prometheus metrics: `llm_request_duration_seconds`, `llm_tokens_total`, `llm_errors_total`,
  labelled by provider kind (bounded, unlike tenants' provider names), model and operation.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import re
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import openai
from openai import AsyncOpenAI, omit
from openai.types.chat import (
    ChatCompletionAssistantMessageParam,
    ChatCompletionMessageFunctionToolCallParam,
    ChatCompletionMessageParam,
    ChatCompletionToolChoiceOptionParam,
    ChatCompletionToolUnionParam,
)
from prometheus_client import Counter, Histogram

from agentplatform.core.errors import ProblemError

logger = logging.getLogger(__name__)

APP_TITLE = "GPT Agent Platform"
# The SDK refuses to build a client without a key; servers that need none ignore this one.
PLACEHOLDER_API_KEY = "not-needed"
DEFAULT_EMBED_BATCH_SIZE = 100
CLIENT_CACHE_SIZE = 64
_MAX_DETAIL_CHARS = 300
_REDACTED = "[redacted]"


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


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text as the model wrote it; it may be invalid, so parse with care

    def parse_arguments(self) -> dict[str, Any]:
        """The arguments as an object; ValueError if they are not a JSON object."""
        value = json.loads(self.arguments or "{}")
        if not isinstance(value, dict):
            raise ValueError(f"tool call {self.name} arguments are not a JSON object")
        return value


@dataclass(frozen=True)
class ChatResult:
    text: str
    tool_calls: list[ToolCall]
    finish_reason: str | None  # "stop", "length", "tool_calls", "content_filter", ...
    tokens_in: int
    tokens_out: int
    latency_ms: int
    model: str  # as the provider reported it (may be a dated snapshot of the one asked for)

    def assistant_message(self) -> ChatCompletionAssistantMessageParam:
        """This answer as a message to append to the conversation before sending tool results."""
        message: ChatCompletionAssistantMessageParam = {
            "role": "assistant",
            "content": self.text or None,
        }
        if self.tool_calls:
            calls: list[ChatCompletionMessageFunctionToolCallParam] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                }
                for call in self.tool_calls
            ]
            message["tool_calls"] = calls
        return message


@dataclass(frozen=True)
class ChatDelta:
    """A piece of a streamed answer: `text`, or (once, last, `done=True`) the totals."""

    text: str = ""
    done: bool = False
    finish_reason: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    latency_ms: int = 0
    model: str | None = None


@dataclass(frozen=True)
class EmbeddingResult:
    vectors: list[list[float]]  # in the order of the texts
    tokens_in: int
    latency_ms: int
    model: str


@dataclass(frozen=True)
class ProviderHealth:
    ok: bool
    latency_ms: int
    detail: str
    model_count: int = 0
    code: str | None = None  # the problem code when not ok, e.g. "provider-auth-failed"


# --- errors --------------------------------------------------------------------------------


class ProviderError(ProblemError):
    """The provider failed in a way none of the subclasses name (502)."""

    status = 502
    code = "provider-error"
    title = "The AI provider failed"

    def __init__(
        self,
        detail: str | None = None,
        *,
        provider: str,
        model: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail, headers=headers)
        self.provider = provider
        self.model = model


class ProviderAuthFailed(ProviderError):
    status = 502
    code = "provider-auth-failed"
    title = "The AI provider rejected the API key"


class UnknownModel(ProviderError):
    status = 422
    code = "unknown-model"
    title = "The AI provider does not offer this model"


class ProviderRejected(ProviderError):
    """The provider refused the request itself (HTTP 400/409/422...): not worth retrying."""

    status = 502
    code = "provider-rejected"
    title = "The AI provider refused the request"


class ProviderRateLimited(ProviderError):
    status = 503
    code = "provider-rate-limited"
    title = "The AI provider is rate limiting requests"

    def __init__(
        self,
        detail: str | None = None,
        *,
        provider: str,
        model: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        super().__init__(detail, provider=provider, model=model, headers=headers)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    status = 503
    code = "provider-unavailable"
    title = "The AI provider is unavailable"


class ProviderTimeout(ProviderError):
    status = 504
    code = "provider-timeout"
    title = "The AI provider did not answer in time"


PROVIDER_ERRORS: tuple[type[ProviderError], ...] = (
    ProviderError,
    ProviderAuthFailed,
    UnknownModel,
    ProviderRejected,
    ProviderRateLimited,
    ProviderUnavailable,
    ProviderTimeout,
)

# --- metrics -------------------------------------------------------------------------------

LLM_REQUEST_DURATION = Histogram(
    "llm_request_duration_seconds",
    "Time an LLM provider request took (retries included), by provider kind, model, operation.",
    ["provider", "model", "operation"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120),
)
LLM_TOKENS = Counter(
    "llm_tokens_total",
    "Tokens the LLM providers counted, by provider kind, model and direction (in or out).",
    ["provider", "model", "direction"],
)
LLM_ERRORS = Counter(
    "llm_errors_total",
    "LLM provider requests that failed, by provider kind, model and problem code.",
    ["provider", "model", "code"],
)


# --- clients -------------------------------------------------------------------------------

_KEY_PATTERN = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-*.]{6,}|\bBearer\s+\S+", re.IGNORECASE)


def scrub(text: str, secret: str | None) -> str:
    """`text` without the secret and anything shaped like an API key, shortened for a detail."""
    if secret:
        text = text.replace(secret, _REDACTED)
    text = _KEY_PATTERN.sub(_REDACTED, text)
    if len(text) > _MAX_DETAIL_CHARS:
        text = text[: _MAX_DETAIL_CHARS - 1] + "…"
    return text


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


def _retry_after_seconds(exc: openai.APIStatusError) -> int | None:
    headers = exc.response.headers
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if math.isfinite(seconds) and seconds >= 0:
            return max(1, math.ceil(seconds))
    return None


def _provider_message(exc: openai.APIError, config: ProviderConfig) -> str:
    """The provider's own message (from the error body when it has one), scrubbed."""
    message: object = None
    if isinstance(exc.body, dict):
        message = exc.body.get("message")
    if not isinstance(message, str) or not message:
        message = exc.message
    return scrub(message, config.api_key)


_MODEL_PHRASES = (
    "does not exist",
    "not found",
    "not a valid model",
    "invalid model",
    "unknown model",
)


def _is_model_error(exc: openai.APIStatusError, model: str | None, message: str) -> bool:
    """OpenAI says `model_not_found`; others (Ollama: 404, OpenRouter: 400) name the model."""
    if exc.code == "model_not_found":
        return True
    if not model or model not in message:
        return False
    if exc.status_code == 404:
        return True
    lowered = message.lower()
    return exc.status_code == 400 and any(phrase in lowered for phrase in _MODEL_PHRASES)


def _map_error(exc: openai.OpenAIError, config: ProviderConfig, model: str | None) -> ProviderError:
    name = config.name
    if isinstance(exc, openai.APITimeoutError):
        return ProviderTimeout(
            f"{name} did not answer within {config.timeout_seconds:g} s.",
            provider=name,
            model=model,
        )
    if isinstance(exc, openai.APIConnectionError):
        return ProviderUnavailable(
            f"Could not connect to {name} at {config.base_url}.", provider=name, model=model
        )
    if isinstance(exc, openai.AuthenticationError):
        # No provider message here: a 401's message is about the key, and often quotes it.
        return ProviderAuthFailed(
            f"{name} rejected the API key (HTTP 401).", provider=name, model=model
        )
    if isinstance(exc, openai.PermissionDeniedError):
        return ProviderAuthFailed(
            f"{name} does not allow this key to do that (HTTP 403): "
            f"{_provider_message(exc, config)}",
            provider=name,
            model=model,
        )
    if isinstance(exc, openai.APIStatusError):
        message = _provider_message(exc, config)
        status = exc.status_code
        if _is_model_error(exc, model, message):
            return UnknownModel(
                f"{name} does not offer the model {model!r}: {message}", provider=name, model=model
            )
        if isinstance(exc, openai.RateLimitError):
            return ProviderRateLimited(
                f"{name} is rate limiting requests (HTTP 429, retries exhausted): {message}",
                provider=name,
                model=model,
                retry_after=_retry_after_seconds(exc),
            )
        if status >= 500:
            return ProviderUnavailable(
                f"{name} failed (HTTP {status}, retries exhausted): {message}",
                provider=name,
                model=model,
            )
        if status == 404:
            return ProviderError(
                f"{name} answered 404 Not Found; check the base URL {config.base_url}: {message}",
                provider=name,
                model=model,
            )
        return ProviderRejected(
            f"{name} refused the request (HTTP {status}): {message}", provider=name, model=model
        )
    if isinstance(exc, openai.APIError):
        return ProviderError(
            f"{name} failed: {_provider_message(exc, config)}", provider=name, model=model
        )
    return ProviderError(
        f"{name} failed: {scrub(str(exc), config.api_key)}", provider=name, model=model
    )


class _Call:
    """Timing, metrics, error mapping and logging for one provider request."""

    def __init__(self, config: ProviderConfig, model: str, operation: str) -> None:
        self.config = config
        self.model = model
        self.operation = operation
        self.started = time.perf_counter()

    def elapsed_ms(self) -> int:
        return _ms(self.started)

    def succeeded(self, tokens_in: int = 0, tokens_out: int = 0) -> None:
        kind = self.config.kind.value
        LLM_REQUEST_DURATION.labels(kind, self.model, self.operation).observe(
            time.perf_counter() - self.started
        )
        if tokens_in:
            LLM_TOKENS.labels(kind, self.model, "in").inc(tokens_in)
        if tokens_out:
            LLM_TOKENS.labels(kind, self.model, "out").inc(tokens_out)

    def failed(self, exc: Exception) -> ProviderError:
        """The problem error for `exc` (already one, or an SDK error), counted and logged."""
        error = exc if isinstance(exc, ProviderError) else None
        if error is None:
            assert isinstance(exc, openai.OpenAIError)
            error = _map_error(exc, self.config, self.model or None)
        kind = self.config.kind.value
        LLM_REQUEST_DURATION.labels(kind, self.model, self.operation).observe(
            time.perf_counter() - self.started
        )
        LLM_ERRORS.labels(kind, self.model, error.code).inc()
        logger.warning(
            "llm request failed",
            extra={
                "provider": self.config.name,
                "provider_kind": kind,
                "model": self.model,
                "operation": self.operation,
                "error_code": error.code,
                "detail": error.detail,
                "latency_ms": self.elapsed_ms(),
            },
        )
        return error


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
) -> ChatResult:
    """One chat completion; tool calls come back in `tool_calls` for the caller to run."""
    call = _Call(config, model, "chat")
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
) -> AsyncIterator[ChatDelta]:
    """A chat completion as it is written: text deltas, then one `done` delta with the totals.

    The final delta carries the finish reason, the assembled tool calls and the token usage
    (requested with `stream_options.include_usage`; zero if the server does not send it). A
    caller that may stop early wraps it in `contextlib.aclosing` so the HTTP stream closes at once.
    """
    call = _Call(config, model, "chat_stream")
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
        call = _Call(config, model, "embed")
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
    call = _Call(config, "", "list_models")
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
