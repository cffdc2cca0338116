"""The request core of the Kommo client: one account, its rate limit, retries, errors, pages.

`KommoHTTP.request` is the only place that sends to Kommo. For every attempt it waits for the
account's slot (`KommoRateLimiter`, shared through Redis), sends with the token from the
`AccessTokenProvider`, and then:
- 2xx: returns the answer; 204 (Kommo's "nothing to return") returns `None`;
- 401: asks the provider to `refresh` once and sends again; a second 401 is `KommoUnauthorized`;
- 429: retried after Kommo's `retry_after` (or the backoff), within the limiter;
- 5xx and timeouts: retried with exponential backoff and jitter (`stamina`), but a `POST` only
  when the request cannot have reached Kommo (connection refused), since a create sent twice
  would create twice;
- 403 with an HTML page: Kommo blocked the address. `KommoIPBlocked`, never retried, and the
  account is marked blocked for `block_cooldown` seconds for every process, so nothing sends to
  it until then;
- anything else: the typed error of `errors.from_response`.

Pages follow `_links.next` (only on the account's own origin: the bearer token never goes to
another host) until it is absent, a page is empty or Kommo answers 204. Writes go in batches of
50 (Kommo takes 250 at most and recommends 50). Tokens never reach a log line or an error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, Self, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx
import orjson
import stamina
from pydantic import BaseModel, ValidationError

from agentplatform.kommo.client.errors import (
    KommoError,
    KommoIPBlocked,
    KommoProtocolError,
    KommoRateLimited,
    KommoUnauthorized,
    KommoUnavailable,
    from_response,
)
from agentplatform.kommo.client.metrics import (
    KOMMO_REQUEST_DURATION,
    KOMMO_REQUESTS,
    KOMMO_RETRIES,
)
from agentplatform.kommo.client.models import Created, WriteModel
from agentplatform.kommo.client.ratelimit import KommoRateLimiter, KommoRateLimitTimeout
from agentplatform.kommo.client.tokens import AccessTokenProvider

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
Params = Mapping[str, str | int | Sequence[str | int]]

PAGE_LIMIT = 250  # Kommo's maximum per page
WRITE_BATCH = 50  # Kommo's recommended batch size (250 at most)
MAX_PAGES = 10_000
USER_AGENT = "agentplatform-kommo/1"
_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout)
_TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class KommoHTTP:
    """One Kommo account (`base_url` = `https://acme.kommo.com`, the full host from `referer`)."""

    def __init__(
        self,
        base_url: str,
        tokens: AccessTokenProvider,
        *,
        limiter: KommoRateLimiter,
        http: httpx.AsyncClient | None = None,
        timeout: float = 15.0,
        attempts: int = 5,
        retry_timeout: float = 90.0,
        wait_initial: float = 0.5,
        wait_max: float = 10.0,
        max_retry_after: float = 30.0,
        block_cooldown: float = 900.0,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError("the Kommo base URL must be an absolute http(s) URL")
        self.base_url = f"{parts.scheme}://{parts.netloc}"
        self.account_host = parts.netloc.lower()
        self._tokens = tokens
        self._limiter = limiter
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        self._attempts = attempts
        self._retry_timeout = retry_timeout
        self._wait_initial = wait_initial
        self._wait_max = wait_max
        self._max_retry_after = max_retry_after
        self._block_cooldown = block_cooldown

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"

    # --- one call ---------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
    ) -> Any:
        """The decoded JSON answer, or `None` for 204 (see the module docstring)."""
        method = method.upper()
        url = self._url(path)
        resource = _resource(urlsplit(url).path)
        refreshes = [1]  # one refresh per call, whatever the retries
        try:
            async for attempt in stamina.retry_context(
                on=self._retry_hook(method),
                attempts=self._attempts,
                timeout=self._retry_timeout,
                wait_initial=self._wait_initial,
                wait_max=self._wait_max,
            ):
                with attempt:
                    if attempt.num > 1:
                        logger.info(
                            "retrying a Kommo request",
                            extra={"method": method, "path": urlsplit(url).path, "n": attempt.num},
                        )
                    response = await self._send_authorized(
                        method, url, params, json, resource, refreshes
                    )
        except httpx.HTTPError as exc:
            raise KommoUnavailable(
                f"Kommo could not be reached ({type(exc).__name__}) for {method} {resource}"
            ) from exc
        if response.status_code == 204 or not response.content:
            return None
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise KommoProtocolError(
                f"Kommo answered {response.status_code} without JSON for {method} {resource}",
                kommo_status=response.status_code,
            ) from exc

    async def _send_authorized(
        self,
        method: str,
        url: str,
        params: Params | None,
        json: Any,
        resource: str,
        refreshes: list[int],
    ) -> httpx.Response:
        token = await self._tokens.get_token()
        response = await self._send(method, url, params, json, resource, token)
        if response.status_code == 401:
            fresh = None
            if refreshes[0] > 0:
                refreshes[0] -= 1
                fresh = await self._tokens.refresh(token)
            if fresh is not None and fresh != token:
                response = await self._send(method, url, params, json, resource, fresh)
            if response.status_code == 401:
                error = from_response(response)
                raise KommoUnauthorized(error.detail, kommo_status=401, kommo_type=error.kommo_type)
        if response.is_success:
            return response
        error = from_response(response)
        if isinstance(error, KommoIPBlocked):
            await self._limiter.block(self.account_host, self._block_cooldown)
            logger.error(
                "Kommo blocked this address (HTML 403); not sending to the account for a while",
                extra={"account": self.account_host, "cooldown_s": self._block_cooldown},
            )
        raise error

    async def _send(
        self,
        method: str,
        url: str,
        params: Params | None,
        json: Any,
        resource: str,
        token: str,
    ) -> httpx.Response:
        blocked_for = await self._limiter.blocked_for(self.account_host)
        if blocked_for > 0:
            raise KommoIPBlocked(
                f"Kommo blocked requests from this address; not sending for {blocked_for:.0f} s",
                kommo_status=403,
                retry_after=blocked_for,
            )
        try:
            await self._limiter.acquire(self.account_host)
        except KommoRateLimitTimeout as exc:
            # Our own schedule is full for minutes: waiting again would not help (not retried).
            raise KommoRateLimited(str(exc), retry_after=None) from exc
        headers = {"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT}
        content = None
        if json is not None:
            headers["Content-Type"] = "application/json"
            content = orjson.dumps(json)
        started = time.perf_counter()
        try:
            response = await self._http.request(
                method, url, params=params, content=content, headers=headers
            )
        except httpx.HTTPError:
            KOMMO_REQUESTS.labels(method, resource, "error").inc()
            raise
        KOMMO_REQUEST_DURATION.labels(method, resource).observe(time.perf_counter() - started)
        KOMMO_REQUESTS.labels(method, resource, str(response.status_code)).inc()
        return response

    def _retry_hook(self, method: str) -> Callable[[Exception], bool | float]:
        idempotent = method != "POST"

        def hook(exc: Exception) -> bool | float:
            if isinstance(exc, KommoRateLimited):
                if exc.kommo_status is None:  # our own schedule timed out, not a 429
                    return False
                if exc.retry_after is None:
                    KOMMO_RETRIES.labels("429").inc()
                    return True
                if exc.retry_after > self._max_retry_after:
                    return False
                KOMMO_RETRIES.labels("429").inc()
                return max(exc.retry_after, self._wait_initial)
            if isinstance(exc, KommoUnavailable) and idempotent:
                KOMMO_RETRIES.labels("5xx").inc()
                return True
            if isinstance(exc, _CONNECT_ERRORS) or (
                idempotent and isinstance(exc, _TRANSIENT_ERRORS)
            ):
                KOMMO_RETRIES.labels("network").inc()
                return True
            return False

        return hook

    def _url(self, path: str) -> str:
        url = urljoin(self.base_url + "/", path)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}".lower() != self.base_url.lower():
            raise KommoProtocolError(f"refusing to follow a link off the account's host: {url}")
        return url

    # --- pages and batches ------------------------------------------------------------------

    async def pages(
        self,
        path: str,
        key: str,
        model: type[M],
        *,
        params: Params | None = None,
        limit: int = PAGE_LIMIT,
    ) -> AsyncIterator[list[M]]:
        """Each page of `_embedded[key]` as models, following `_links.next`."""
        url: str | None = path
        query: Params | None = {**(params or {}), "limit": min(limit, PAGE_LIMIT), "page": 1}
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            if url is None:
                return
            body = await self.request("GET", url, params=query)
            if body is None:
                return
            items = _embedded(body, key)
            if not items:
                return
            yield [_validate(model, item, key) for item in items]
            url = _next_link(body)
            if url is not None:
                if url in seen:
                    raise KommoProtocolError(f"Kommo's pages loop back to {url}")
                seen.add(url)
            query = None  # the next link carries the query

    async def collect(
        self, path: str, key: str, model: type[M], *, params: Params | None = None
    ) -> list[M]:
        out: list[M] = []
        async for page in self.pages(path, key, model, params=params):
            out.extend(page)
        return out

    async def one(self, path: str, model: type[M], *, params: Params | None = None) -> M | None:
        body = await self.request("GET", path, params=params)
        return None if body is None else _validate(model, body, path)

    async def write(
        self,
        method: str,
        path: str,
        key: str,
        items: Sequence[WriteModel],
        *,
        batch_size: int = WRITE_BATCH,
    ) -> list[Created]:
        """`items` in batches; each item without a `request_id` gets its index in `items`, so
        Kommo's answer and its validation errors name the item whatever the batch."""
        if not 1 <= batch_size <= PAGE_LIMIT:
            raise ValueError(f"the batch size must be within 1..{PAGE_LIMIT}")
        wire = []
        for index, item in enumerate(items):
            data = item.to_wire()
            if "request_id" in type(item).model_fields:
                data.setdefault("request_id", str(index))
            wire.append(data)
        out: list[Created] = []
        for start in range(0, len(wire), batch_size):
            body = await self.request(method, path, json=wire[start : start + batch_size])
            if body is not None:
                out.extend(_validate(Created, item, key) for item in _embedded(body, key))
        return out


def _embedded(body: Any, key: str) -> list[Any]:
    if not isinstance(body, dict):
        raise KommoProtocolError("Kommo answered with something that is not a HAL object")
    embedded = body.get("_embedded") or {}
    items = embedded.get(key) if isinstance(embedded, dict) else None
    if items is None:
        return []
    if not isinstance(items, list):
        raise KommoProtocolError(f"Kommo's _embedded.{key} is not a list")
    return items


def _next_link(body: dict[str, Any]) -> str | None:
    links = body.get("_links")
    nxt = links.get("next") if isinstance(links, dict) else None
    href = nxt.get("href") if isinstance(nxt, dict) else None
    return href if isinstance(href, str) and href else None


def _validate(model: type[M], item: Any, where: str) -> M:
    try:
        return model.model_validate(item)
    except ValidationError as exc:
        raise KommoProtocolError(
            f"Kommo's {where} item does not read as {model.__name__}: "
            f"{exc.error_count()} error(s), first at "
            f"{'.'.join(str(p) for p in exc.errors()[0]['loc'])}"
        ) from exc


def _resource(path: str) -> str:
    """`/api/v4/leads/123/notes` → `leads/notes`: a bounded metrics label."""
    parts = [p for p in path.split("/")[3:] if p and not p.isdigit()]
    return "/".join(parts[:2]) or "root"


__all__ = ["PAGE_LIMIT", "WRITE_BATCH", "KommoError", "KommoHTTP"]
