"""Rate limits against a real Redis: the limit holds, keys are independent, 429 is problem+json."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from agentplatform.core.errors import PROBLEM_CONTENT_TYPE, RateLimited, install_error_handlers
from agentplatform.core.ratelimit import RateLimiter, parse_rule, rate_limited
from agentplatform.core.redis import create_redis
from agentplatform.core.settings import Settings
from arq import ArqRedis
from fastapi import Depends, FastAPI, Request
from httpx import ASGITransport, AsyncClient


async def test_hits_up_to_the_limit_pass_then_the_next_is_refused(redis: ArqRedis) -> None:
    limiter = RateLimiter(redis)
    for _ in range(5):
        await limiter.hit("5/minute", "login", "10.0.0.1")

    with pytest.raises(RateLimited) as refused:
        await limiter.hit("5/minute", "login", "10.0.0.1")

    assert 0 < refused.value.retry_after <= 60
    assert refused.value.headers["Retry-After"] == str(refused.value.retry_after)


async def test_identifiers_are_counted_separately(redis: ArqRedis) -> None:
    limiter = RateLimiter(redis)
    await limiter.hit("1/minute", "login", "10.0.0.1")

    await limiter.hit("1/minute", "login", "10.0.0.2")
    await limiter.hit("1/minute", "public", "10.0.0.1")
    with pytest.raises(RateLimited):
        await limiter.hit("1/minute", "login", "10.0.0.1")


async def test_reset_forgets_the_hits(redis: ArqRedis) -> None:
    limiter = RateLimiter(redis)
    await limiter.hit("1/hour", "login", "a@example.com")

    await limiter.reset("1/hour", "login", "a@example.com")

    await limiter.hit("1/hour", "login", "a@example.com")


async def test_every_limit_of_a_compound_rule_applies(redis: ArqRedis) -> None:
    limiter = RateLimiter(redis)
    await limiter.hit("5/minute;1/hour", "public", "10.0.0.9")

    with pytest.raises(RateLimited) as refused:
        await limiter.hit("5/minute;1/hour", "public", "10.0.0.9")

    assert refused.value.retry_after > 60


async def test_counters_live_in_redis_under_our_prefix(redis: ArqRedis) -> None:
    await RateLimiter(redis).hit("3/minute", "api_key", "key-1")

    keys = [key.decode() for key in await redis.keys("*")]
    assert keys
    assert all(key.startswith("agentplatform:ratelimit:") for key in keys)


async def test_unreachable_redis_fails_open(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    dead = create_redis(f"unix://{tmp_path}/no-such.sock")
    limiter = RateLimiter(dead)
    try:
        with caplog.at_level(logging.WARNING, logger="agentplatform.core.ratelimit"):
            for _ in range(3):
                await limiter.hit("1/minute", "login", "10.0.0.1")
    finally:
        await dead.aclose()

    warnings = [r for r in caplog.records if "rate limit storage unavailable" in r.message]
    assert len(warnings) == 1  # logged once, not once per request


def test_rules_are_parsed_in_limits_notation() -> None:
    assert [str(item) for item in parse_rule("10/minute")] == ["10 per 1 minute"]
    with pytest.raises(ValueError, match="couldn't parse"):
        parse_rule("often")


def login_key(request: Request) -> str:
    return request.headers.get("x-user", "anonymous")


@pytest.fixture
async def http(redis: ArqRedis) -> AsyncIterator[AsyncClient]:
    app = FastAPI()
    install_error_handlers(app)
    app.state.settings = Settings(rate_limit_login="2/minute", rate_limit_public="3/minute")
    app.state.rate_limiter = RateLimiter(redis)

    @app.post("/login", dependencies=[Depends(rate_limited("login", key=login_key))])
    async def login() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/public", dependencies=[Depends(rate_limited("public"))])
    async def public() -> dict[str, bool]:
        return {"ok": True}

    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_dependency_answers_429_problem_with_retry_after(http: AsyncClient) -> None:
    for _ in range(3):
        assert (await http.get("/public")).status_code == 200

    response = await http.get("/public")

    assert response.status_code == 429
    assert response.headers["content-type"] == PROBLEM_CONTENT_TYPE
    assert 0 < int(response.headers["retry-after"]) <= 60
    body = response.json()
    assert body["type"] == RateLimited.type_uri()
    assert body["status"] == 429
    assert body["instance"] == "/public"


async def test_dependency_uses_the_rule_of_its_kind_and_custom_key(http: AsyncClient) -> None:
    for _ in range(2):
        assert (await http.post("/login", headers={"x-user": "ann"})).status_code == 200
    assert (await http.post("/login", headers={"x-user": "ann"})).status_code == 429

    assert (await http.post("/login", headers={"x-user": "bob"})).status_code == 200
    assert (await http.get("/public")).status_code == 200  # a separate counter for the same IP
