"""Prometheus metrics of the provider client, and `ProviderCall`, which records one request.

The metrics are labelled by provider kind (bounded, unlike tenants' provider names), model and
operation (or token direction, or problem code). `agentplatform.ai.llm` opens a `ProviderCall` for
every request it sends: it times the request, counts its tokens, and turns a failure into our
problem error, counted and logged.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import openai
from prometheus_client import Counter, Histogram

from agentplatform.ai.provider_errors import ProviderError, map_sdk_error

if TYPE_CHECKING:
    from agentplatform.ai.llm import ProviderConfig

# Failures are logged under the client's name, whichever module records them.
logger = logging.getLogger("agentplatform.ai.llm")

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


class ProviderCall:
    """Timing, metrics, error mapping and logging for one provider request."""

    def __init__(self, config: ProviderConfig, model: str, operation: str) -> None:
        self.config = config
        self.model = model
        self.operation = operation
        self.started = time.perf_counter()

    def elapsed_ms(self) -> int:
        return round((time.perf_counter() - self.started) * 1000)

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
            error = map_sdk_error(
                exc,
                name=self.config.name,
                base_url=self.config.base_url,
                timeout_seconds=self.config.timeout_seconds,
                secret=self.config.api_key,
                model=self.model or None,
            )
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
