"""The provider client's failures as problem errors, and the mapping from the `openai` SDK's.

Every failure of a provider request surfaces as a `ProviderError` subclass (`ProviderAuthFailed`,
`UnknownModel`, `ProviderRateLimited`, `ProviderUnavailable`, `ProviderTimeout`, ...), whose
message never contains the API key, even when the provider echoes it back: `map_sdk_error` builds
one from an SDK exception and passes the provider's own words through `scrub`. `PROVIDER_ERRORS`
lists them all for the routes' `responses=`.
"""

from __future__ import annotations

import math
import re

import openai

from agentplatform.core.errors import ProblemError

_MAX_DETAIL_CHARS = 300
_REDACTED = "[redacted]"


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

# --- from the SDK's exceptions ---------------------------------------------------------------

_KEY_PATTERN = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-*.]{6,}|\bBearer\s+\S+", re.IGNORECASE)


def scrub(text: str, secret: str | None) -> str:
    """`text` without the secret and anything shaped like an API key, shortened for a detail."""
    if secret:
        text = text.replace(secret, _REDACTED)
    text = _KEY_PATTERN.sub(_REDACTED, text)
    if len(text) > _MAX_DETAIL_CHARS:
        text = text[: _MAX_DETAIL_CHARS - 1] + "…"
    return text


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


def _provider_message(exc: openai.APIError, secret: str | None) -> str:
    """The provider's own message (from the error body when it has one), scrubbed."""
    message: object = None
    if isinstance(exc.body, dict):
        message = exc.body.get("message")
    if not isinstance(message, str) or not message:
        message = exc.message
    return scrub(message, secret)


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


def map_sdk_error(
    exc: openai.OpenAIError,
    *,
    name: str,
    base_url: str,
    timeout_seconds: float,
    secret: str | None,
    model: str | None,
) -> ProviderError:
    """The problem error for an SDK exception from the provider called `name`.

    `base_url` and `timeout_seconds` are the provider's, for the detail; `secret` (its API key) is
    scrubbed from whatever the provider said.
    """
    if isinstance(exc, openai.APITimeoutError):
        return ProviderTimeout(
            f"{name} did not answer within {timeout_seconds:g} s.",
            provider=name,
            model=model,
        )
    if isinstance(exc, openai.APIConnectionError):
        return ProviderUnavailable(
            f"Could not connect to {name} at {base_url}.", provider=name, model=model
        )
    if isinstance(exc, openai.AuthenticationError):
        # No provider message here: a 401's message is about the key, and often quotes it.
        return ProviderAuthFailed(
            f"{name} rejected the API key (HTTP 401).", provider=name, model=model
        )
    if isinstance(exc, openai.PermissionDeniedError):
        return ProviderAuthFailed(
            f"{name} does not allow this key to do that (HTTP 403): "
            f"{_provider_message(exc, secret)}",
            provider=name,
            model=model,
        )
    if isinstance(exc, openai.APIStatusError):
        message = _provider_message(exc, secret)
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
                f"{name} answered 404 Not Found; check the base URL {base_url}: {message}",
                provider=name,
                model=model,
            )
        return ProviderRejected(
            f"{name} refused the request (HTTP {status}): {message}", provider=name, model=model
        )
    if isinstance(exc, openai.APIError):
        return ProviderError(
            f"{name} failed: {_provider_message(exc, secret)}", provider=name, model=model
        )
    return ProviderError(f"{name} failed: {scrub(str(exc), secret)}", provider=name, model=model)
