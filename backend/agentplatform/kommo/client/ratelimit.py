"""One request budget per Kommo account, shared by every process through Redis.

Kommo allows 7 requests per second per account (and per IP) and answers 429, then blocks the
address (HTML 403), when a client keeps going over. Every API replica and worker shares one
schedule per account host in Redis, and a request *waits* for its slot instead of failing.

The schedule spaces requests evenly (GCRA: one slot every `1 / per_second` seconds, reserved
atomically by a Lua script on Redis's own clock) rather than counting a moving window. A window
lets a whole second's budget go at once and the next second's right after, and Kommo, which
sees requests when they arrive, not when they took their slot, then counts both bursts in one
second: a few milliseconds of network delay turn a client that kept its limit into a 429.
Spaced slots need a delay of a good fraction of a second to be counted together. The default,
5 per second, is the headroom Kommo's advice leaves (other integrations share the budget).

Redis calls have a deadline (`budget`). If Redis cannot be reached the limiter does not fail
open as the API's limits do (the penalty here is a blocked account): it falls back to a schedule
in this process, and says so in the log once a minute. The IP block (`block`, `blocked_for`)
is kept in Redis too, so that once Kommo blocked us no process sends until the cool-down ends.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time

from redis.asyncio import Redis

from agentplatform.core.redis import REDIS_ERRORS
from agentplatform.kommo.client.metrics import KOMMO_RATE_LIMIT_WAIT

logger = logging.getLogger(__name__)

KEY_PREFIX = "agentplatform:kommo:ratelimit"
DEFAULT_PER_SECOND = 5.0
_WARN_EVERY_SECONDS = 60.0

# KEYS[1] the account's theoretical arrival time (TAT); ARGV: interval, max wait (seconds).
# Returns the seconds to wait before sending (as a string), or "-1" when that would exceed the
# max wait (nothing reserved then).
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local max_wait = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, tat)
local wait = slot - now
if wait > max_wait then
  return '-1'
end
local ttl = math.ceil((slot + interval - now) * 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.6f', slot + interval), 'PX', ttl)
return string.format('%.6f', wait)
"""


class KommoRateLimitTimeout(Exception):
    """No slot within `max_wait` seconds: the account's budget is taken by others."""


class KommoRateLimiter:
    """`await limiter.acquire("acme.kommo.com")` before each request to that account.

    One per process is enough; give it the app's or the worker's Redis client, or `None` for a
    schedule in this process only.
    """

    def __init__(
        self,
        redis: Redis | None,
        *,
        per_second: float = DEFAULT_PER_SECOND,
        budget: float = 0.5,
        max_wait: float = 60.0,
    ) -> None:
        if per_second <= 0:
            raise ValueError("the rate must be positive")
        self.interval = 1.0 / per_second
        self._redis = redis
        self._budget = budget
        self._max_wait = max_wait
        self._local_tat: dict[str, float] = {}
        self._local_blocks: dict[str, float] = {}
        self._reserve = redis.register_script(_RESERVE) if redis is not None else None
        self._last_warning = -math.inf

    async def acquire(self, account: str) -> float:
        """Wait for the next free slot of `account`; return the seconds waited."""
        wait = await self._reserve_slot(account)
        if wait < 0:
            raise KommoRateLimitTimeout(
                f"no Kommo request slot for {account} within {self._max_wait:g} s"
            )
        if wait > 0:
            KOMMO_RATE_LIMIT_WAIT.observe(wait)
            await asyncio.sleep(wait)
        return wait

    async def _reserve_slot(self, account: str) -> float:
        if self._reserve is not None:
            try:
                async with asyncio.timeout(self._budget):
                    raw = await self._reserve(
                        keys=[_key(account)], args=[self.interval, self._max_wait]
                    )
                return float(raw)
            except REDIS_ERRORS as exc:
                self._warn_unavailable(exc)
        now = time.monotonic()
        slot = max(now, self._local_tat.get(account, 0.0))
        if slot - now > self._max_wait:
            return -1.0
        self._local_tat[account] = slot + self.interval
        return slot - now

    # --- the IP block -------------------------------------------------------------------------

    async def block(self, account: str, seconds: float) -> None:
        """Kommo blocked us (HTML 403): no process sends to `account` for `seconds`."""
        self._local_blocks[account] = time.time() + seconds
        if self._redis is not None:
            try:
                async with asyncio.timeout(self._budget):
                    await self._redis.set(_block_key(account), "1", px=max(1, int(seconds * 1000)))
            except REDIS_ERRORS as exc:
                self._warn_unavailable(exc)

    async def unblock(self, account: str) -> None:
        self._local_blocks.pop(account, None)
        if self._redis is not None:
            try:
                async with asyncio.timeout(self._budget):
                    await self._redis.delete(_block_key(account))
            except REDIS_ERRORS as exc:
                self._warn_unavailable(exc)

    async def blocked_for(self, account: str) -> float:
        """Seconds until `account` may be called again (0 when it is not blocked)."""
        local = max(0.0, self._local_blocks.get(account, 0.0) - time.time())
        if local <= 0:
            self._local_blocks.pop(account, None)
        if self._redis is None:
            return local
        try:
            async with asyncio.timeout(self._budget):
                ttl_ms = await self._redis.pttl(_block_key(account))
        except REDIS_ERRORS as exc:
            self._warn_unavailable(exc)
            return local
        # Redis is the truth (an unblock anywhere counts); this process's copy is the fallback.
        return ttl_ms / 1000 if ttl_ms > 0 else 0.0

    def _warn_unavailable(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._last_warning >= _WARN_EVERY_SECONDS:
            self._last_warning = now
            logger.warning(
                "Kommo rate limit storage unavailable; limiting within this process",
                extra={"error": f"{type(exc).__name__}: {exc}"},
            )


def _key(account: str) -> str:
    return f"{KEY_PREFIX}:{account}"


def _block_key(account: str) -> str:
    return f"{KEY_PREFIX}:blocked:{account}"
