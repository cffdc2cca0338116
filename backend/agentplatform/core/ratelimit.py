"""Rate limits kept in Redis (moving window, shared by every API replica), with `limits`.

Rules use the `limits` notation: "10/minute", "5 per 30 seconds", "100/hour;1000/day".
Redis holds only counters here: if it cannot be reached, requests are allowed (fail open).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from arq import ArqRedis
from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from agentplatform.core.app_state import app_settings
from agentplatform.core.errors import RateLimited
from agentplatform.core.redis import REDIS_ERRORS

logger = logging.getLogger(__name__)

KEY_PREFIX = "agentplatform:ratelimit"
RateLimitKind = Literal["login", "api_key", "public"]
_WARN_EVERY_SECONDS = 60.0
# What an unreachable or stalled Redis raises, wrapped by `limits` or not.
_STORAGE_ERRORS: tuple[type[BaseException], ...] = (StorageError, *REDIS_ERRORS)


@lru_cache(maxsize=64)
def parse_rule(rule: str) -> tuple[RateLimitItem, ...]:
    """Parse (once) a rule; several limits may be joined with ";" and all of them apply."""
    items = tuple(parse_many(rule))
    if not items:
        raise ValueError(f"empty rate limit rule {rule!r}")
    return items


@dataclass(frozen=True)
class PendingHit:
    """A hit queued on someone else's pipeline (`RateLimiter.queue_hit`), to `settle`."""

    rule: str
    item: RateLimitItem
    identifiers: tuple[str, ...]


class RateLimiter:
    """One per process, on `app.state.rate_limiter`; it shares the app's Redis connection pool."""

    def __init__(self, redis: ArqRedis, *, budget: float = 0.5) -> None:
        self._budget = budget
        # With `connection_pool`, `limits` wraps our pool in its own redis.asyncio.Redis, so unix
        # sockets, TLS and credentials work exactly as for the rest of the app.
        self._storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            key_prefix=KEY_PREFIX,
            wrap_exceptions=True,
            connection_pool=redis.connection_pool,  # type: ignore[arg-type]
        )
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._last_warning = -math.inf

    async def hit(self, rule: str, *identifiers: str) -> None:
        """Count one hit against `rule` for `identifiers`; raise `RateLimited` when over.

        The first identifier should name what is limited ("login", "api_key", ...) so that two
        limits with the same rule for the same client do not share a counter.
        """
        for item in parse_rule(rule):
            try:
                async with asyncio.timeout(self._budget):
                    allowed = await self._limiter.hit(item, *identifiers)
                    if allowed:
                        continue
                    stats = await self._limiter.get_window_stats(item, *identifiers)
            except _STORAGE_ERRORS as exc:
                # Fail open: Redis only holds counters, and refusing every request because the
                # counter store is down would turn a degraded dependency into a full outage.
                self._warn_unavailable(exc)
                return
            retry_after = math.ceil(stats.reset_time - time.time())
            raise RateLimited(
                retry_after=max(1, retry_after),
                detail=f"Rate limit of {item} exceeded; retry in {max(1, retry_after)} s",
            )

    def queue_hit(self, pipe: Any, rule: str, *identifiers: str) -> PendingHit | None:
        """Queue on `pipe` the very hit `hit` makes (the moving-window script of `limits`, same
        key, same arguments), so that it shares a round trip with other commands; `settle` it
        with its result. None (nothing queued: call `hit`) for a rule of several limits, whose
        later limits are counted only when the earlier ones allow, or if `limits` changed shape.
        """
        items = parse_rule(rule)
        bridge = getattr(self._storage, "bridge", None)
        script = getattr(bridge, "lua_acquire_moving_window", None)
        sha = getattr(script, "sha", None)
        if len(items) != 1 or not isinstance(sha, str) or not hasattr(bridge, "prefixed_key"):
            return None
        item = items[0]
        key = bridge.prefixed_key(item.key_for(*identifiers))  # type: ignore[union-attr]
        pipe.evalsha(sha, 1, key, time.time(), item.amount, item.get_expiry(), 1)
        return PendingHit(rule, item, identifiers)

    async def settle(self, pending: PendingHit, result: object) -> None:
        """What `hit` would have done with the queued script's answer: nothing when allowed,
        `RateLimited` when over. An error in its place (the script not loaded yet, after a
        Redis restart; Redis failing) makes it a plain `hit`, which loads the script or fails
        open."""
        if isinstance(result, BaseException):
            await self.hit(pending.rule, *pending.identifiers)
            return
        if result:
            return
        try:
            async with asyncio.timeout(self._budget):
                stats = await self._limiter.get_window_stats(pending.item, *pending.identifiers)
        except _STORAGE_ERRORS as exc:
            self._warn_unavailable(exc)
            return
        retry_after = math.ceil(stats.reset_time - time.time())
        raise RateLimited(
            retry_after=max(1, retry_after),
            detail=f"Rate limit of {pending.item} exceeded; retry in {max(1, retry_after)} s",
        )

    async def reset(self, rule: str, *identifiers: str) -> None:
        """Forget the hits counted for `identifiers` (e.g. after a successful login)."""
        for item in parse_rule(rule):
            try:
                async with asyncio.timeout(self._budget):
                    await self._limiter.clear(item, *identifiers)
            except _STORAGE_ERRORS as exc:
                self._warn_unavailable(exc)
                return

    def _warn_unavailable(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._last_warning >= _WARN_EVERY_SECONDS:
            self._last_warning = now
            logger.warning(
                "rate limit storage unavailable; allowing requests",
                extra={"error": f"{type(exc).__name__}: {exc}"},
            )


def client_ip(request: Request) -> str:
    """The client's address (`core.forwarded` resolves X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else "unknown"


def rate_limited(
    kind: RateLimitKind, key: Callable[[Request], str] | None = None
) -> Callable[[Request], Awaitable[None]]:
    """A dependency limiting a route by `settings.rate_limit_<kind>`, per client IP by default.

    Use as `dependencies=[Depends(rate_limited("login"))]` and declare `RateLimited` in the route's
    `responses=problem_responses(...)`.
    """
    key_of = key or client_ip

    async def check_rate_limit(request: Request) -> None:
        rule: str = getattr(app_settings(request), f"rate_limit_{kind}")
        limiter: RateLimiter = request.app.state.rate_limiter
        await limiter.hit(rule, kind, key_of(request))

    return check_rate_limit
