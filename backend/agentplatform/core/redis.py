"""One Redis client for caches, rate limits and the arq queue (ArqRedis is a redis Redis)."""

from __future__ import annotations

from arq import ArqRedis

WORKER_HEARTBEAT_KEY = "agentplatform:worker:heartbeat"


def create_redis(url: str) -> ArqRedis:
    """`redis://`, `rediss://` or `unix:///path/redis.sock` (the embedded default).

    Built with `from_url`, so the client owns its pool and `aclose()` closes the connections.
    """
    client: ArqRedis = ArqRedis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
    return client
