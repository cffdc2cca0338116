"""The one Slack client: incoming webhooks and `chat.postMessage`, with timeouts and retries.

Slack's two protocols answer differently:
- an incoming webhook answers `200 ok`, or an HTTP error whose plain body is the reason
  (`404 no_service`: the URL was revoked or never existed; `400 invalid_payload`;
  `403 action_prohibited`; `410 channel_is_archived`);
- the Web API answers HTTP 200 with `{"ok": true, ...}` or `{"ok": false, "error": "..."}`
  (`invalid_auth`, `channel_not_found`, `not_in_channel`, ...).
Both answer `429` with `Retry-After` when over the limit (one message per second per channel).
A 429 is retried after `Retry-After` (when short), a 5xx or a network failure with a short
backoff; anything else is Slack's answer, returned as a `SlackAnswer` (never raised). Secrets
(the webhook URL, the token) never reach a log line or an answer.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from agentplatform.core.settings import Settings

logger = logging.getLogger(__name__)

WEBHOOK_HOST = "hooks.slack.com"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
TIMEOUT_SECONDS = 10.0
_EXCERPT = 200


@dataclass(frozen=True)
class SlackMessage:
    text: str  # the notification's fallback text (and what a webhook with no blocks shows)
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def wire(self) -> dict[str, Any]:
        body: dict[str, Any] = {"text": self.text}
        if self.blocks:
            body["blocks"] = self.blocks
        return body


@dataclass(frozen=True)
class SlackAnswer:
    ok: bool
    status: int | None  # Slack's HTTP status; None if Slack was not reached
    error: str | None  # Slack's error code (`no_service`, `channel_not_found`) or ours
    detail: str  # a sentence for people

    @classmethod
    def unreachable(cls, reason: str) -> SlackAnswer:
        return cls(False, None, "unreachable", f"Slack could not be reached: {reason}")


def webhook_url_problem(url: str, settings: Settings) -> str | None:
    """Why `url` is not an incoming-webhook URL we post to (None if it is)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return "not a URL"
    if parts.username or parts.password:
        return "must not carry credentials"
    if (
        settings.slack_allow_loopback
        and host in LOOPBACK_HOSTS
        and parts.scheme in ("http", "https")
    ):
        return None
    if parts.scheme != "https" or host != WEBHOOK_HOST or port not in (None, 443):
        return f"must be an https://{WEBHOOK_HOST}/services/... URL"
    if not parts.path.startswith("/services/") or len(parts.path.split("/")) < 5:
        return f"must be an https://{WEBHOOK_HOST}/services/... URL"
    return None


def escape(text: str) -> str:
    """Text as Slack's mrkdwn shows it literally (`&`, `<`, `>` are its control characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackClient:
    def __init__(
        self,
        settings: Settings,
        *,
        http: httpx.AsyncClient | None = None,
        attempts: int = 3,
        wait_initial: float = 0.5,
        max_retry_after: float = 10.0,
    ) -> None:
        self.api_base_url = settings.slack_api_base_url.rstrip("/")
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False)
        self._attempts = attempts
        self._wait_initial = wait_initial
        self._max_retry_after = max_retry_after

    async def __aenter__(self) -> SlackClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def post_webhook(self, url: str, message: SlackMessage) -> SlackAnswer:
        response = await self._post(url, {}, message.wire(), "webhook")
        if isinstance(response, SlackAnswer):
            return response
        reason = response.text.strip()[:_EXCERPT]
        if response.status_code == 200:
            return SlackAnswer(True, 200, None, "Slack accepted the message")
        code = reason or f"http_{response.status_code}"
        return SlackAnswer(
            False, response.status_code, code, f"Slack answered {response.status_code} {code}"
        )

    async def post_message(self, token: str, channel: str, message: SlackMessage) -> SlackAnswer:
        url = f"{self.api_base_url}/chat.postMessage"
        headers = {"Authorization": f"Bearer {token}"}
        response = await self._post(url, headers, {"channel": channel, **message.wire()}, "api")
        if isinstance(response, SlackAnswer):
            return response
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            excerpt = response.text.strip()[:_EXCERPT]
            return SlackAnswer(
                False,
                response.status_code,
                f"http_{response.status_code}",
                f"Slack answered {response.status_code} without JSON: {excerpt}",
            )
        if body.get("ok") is True:
            return SlackAnswer(True, response.status_code, None, "Slack accepted the message")
        error = str(body.get("error") or "unknown_error")[:_EXCERPT]
        return SlackAnswer(
            False, response.status_code, error, f"Slack refused the message: {error}"
        )

    async def _post(
        self, url: str, headers: dict[str, str], body: dict[str, Any], via: str
    ) -> httpx.Response | SlackAnswer:
        """The answer to send (after retrying 429, 5xx and network failures), or why not."""
        content = orjson.dumps(body)
        headers = {**headers, "Content-Type": "application/json; charset=utf-8"}
        for attempt in range(1, self._attempts + 1):
            try:
                response = await self._http.post(url, content=content, headers=headers)
            except httpx.HTTPError as exc:
                if attempt == self._attempts:
                    return SlackAnswer.unreachable(type(exc).__name__)
                logger.info("retrying a Slack %s post after %s", via, type(exc).__name__)
                await asyncio.sleep(self._wait_initial * 2 ** (attempt - 1))
                continue
            if response.status_code == 429:
                wait = _retry_after(response)
                if attempt == self._attempts or wait > self._max_retry_after:
                    return SlackAnswer(
                        False,
                        429,
                        "rate_limited",
                        f"Slack is rate limiting us (retry after {wait:.0f} s)",
                    )
                await asyncio.sleep(wait)
                continue
            if response.status_code >= 500 and attempt < self._attempts:
                logger.info("retrying a Slack %s post after %d", via, response.status_code)
                await asyncio.sleep(self._wait_initial * 2 ** (attempt - 1))
                continue
            return response
        raise AssertionError("unreachable")  # the loop always returns


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("retry-after", "1")))
    except ValueError:
        return 1.0
