"""One Redis client for caches, rate limits and the arq queue (ArqRedis is a redis Redis).

Every call has a deadline: connecting and each read time out after `timeout` seconds, so a Redis
that stalls (stopped, partitioned) costs a request at most that. Callers that only use Redis as an
optimisation (rate limits, caches) give it a shorter budget with `asyncio.timeout` and carry on
without it when it does not answer.
"""

from __future__ import annotations

from arq import ArqRedis
from redis.exceptions import RedisError

WORKER_HEARTBEAT_KEY = "agentplatform:worker:heartbeat"

# What a call to an unreachable or stalled Redis raises.
REDIS_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)


def create_redis(url: str, *, timeout: float = 2.0) -> ArqRedis:
    """`redis://`, `rediss://` or `unix:///path/redis.sock` (the embedded default).

    Built with `from_url`, so the client owns its pool and `aclose()` closes the connections.
    """
    client: ArqRedis = ArqRedis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        health_check_interval=30,
    )
    return client
