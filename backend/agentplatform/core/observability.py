"""Error reporting with Sentry, only when `SENTRY_DSN` is set, and never with secrets in the events.

Domain errors (`ProblemError` with a 4xx status) are answers, not faults: they are not reported.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from agentplatform.core.errors import ProblemError
from agentplatform.core.settings import Settings

logger = logging.getLogger(__name__)

FILTERED = "[Filtered]"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_KEY_PARTS = ("password", "token", "secret", "api_key", "apikey", "authorization", "cookie")
_MAX_DEPTH = 20


def is_secret_key(key: str) -> bool:
    lowered = key.lower().replace("-", "_")
    return any(part in lowered for part in _SECRET_KEY_PARTS)


def _scrub(value: Any, depth: int = 0) -> Any:
    """Replace the value of every key that names a secret, at any depth of dicts and lists."""
    if depth > _MAX_DEPTH:
        return value
    if isinstance(value, Mapping):
        return {
            key: FILTERED
            if isinstance(key, str) and is_secret_key(key)
            else _scrub(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        # Header lists arrive as [name, value] pairs.
        if len(value) == 2 and isinstance(value[0], str) and value[0].lower() in _SECRET_HEADERS:
            return [value[0], FILTERED]
        return [_scrub(item, depth + 1) for item in value]
    return value


def _scrub_request(request: dict[str, Any]) -> None:
    headers = request.get("headers")
    if isinstance(headers, Mapping):
        request["headers"] = {
            name: FILTERED if str(name).lower() in _SECRET_HEADERS else value
            for name, value in headers.items()
        }
    if "cookies" in request:
        request["cookies"] = FILTERED
    query = request.get("query_string")
    if isinstance(query, str) and any(part in query.lower() for part in _SECRET_KEY_PARTS):
        request["query_string"] = FILTERED


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any] | None:
    """Drop expected 4xx domain errors; strip credentials and secret-named values everywhere."""
    exc_info = hint.get("exc_info") if hint else None
    if exc_info and isinstance(exc_info[1], ProblemError) and exc_info[1].status < 500:
        return None
    scrubbed: dict[str, Any] = _scrub(event)
    request = scrubbed.get("request")
    if isinstance(request, dict):
        _scrub_request(request)
    return scrubbed


def init_sentry(settings: Settings, component: str) -> bool:
    """Initialise sentry-sdk for this process when a DSN is configured; True if it is active.

    `component` is "api" (FastAPI/Starlette integrations), "worker" (arq) or anything else (CLI).
    A second call in the same process keeps the first initialisation.
    """
    if settings.sentry_dsn is None or not settings.sentry_dsn.get_secret_value():
        return False
    import sentry_sdk

    if sentry_sdk.get_client().is_active():
        return True
    from sentry_sdk.integrations import Integration
    from sentry_sdk.integrations.asyncio import AsyncioIntegration

    integrations: list[Integration] = [AsyncioIntegration()]
    if component == "api":
        from sentry_sdk.integrations.fastapi import FastApiIntegration
        from sentry_sdk.integrations.starlette import StarletteIntegration

        integrations += [StarletteIntegration(), FastApiIntegration()]
    elif component == "worker":
        from sentry_sdk.integrations.arq import ArqIntegration

        integrations.append(ArqIntegration())

    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.env,
        traces_sample_rate=settings.sentry_traces_sample_rate,
        send_default_pii=False,
        integrations=integrations,
        before_send=before_send,  # type: ignore[arg-type]
        before_send_transaction=before_send,  # type: ignore[arg-type]
    )
    sentry_sdk.set_tag("component", component)
    logger.info("sentry initialised", extra={"component": component})
    return True
