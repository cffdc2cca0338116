"""Test services: a real PostgreSQL with pgvector and a real Redis.

Embedded (started here, in a temporary directory) unless TEST_DATABASE_URL / TEST_REDIS_URL point
at servers that already run. Each test runs inside a transaction that is rolled back at the end;
Redis is flushed before each test.
"""

from __future__ import annotations

import os

os.environ["ENV"] = "test"
os.environ.setdefault("LOG_JSON", "false")

import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from agentplatform.core.db import after_commit, async_database_url, get_session
from agentplatform.core.embedded import (
    drop_database,
    ensure_database,
    start_postgres,
    start_redis,
)
from agentplatform.core.migrations import upgrade_head
from agentplatform.core.ratelimit import RateLimiter
from agentplatform.core.redis import create_redis
from agentplatform.core.settings import Settings
from arq import ArqRedis
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

pytest_plugins = ("tests.simulators.fixtures",)


@dataclass(frozen=True)
class Services:
    database_url: str  # postgresql+asyncpg://… of a migrated, test-only database
    redis_url: str
    admin_dsn: str  # postgresql://… of the same server's maintenance database
    database: str


def _with_database(url: str, database: str, scheme: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    root = tmp_path_factory.mktemp("services")
    database = f"agentplatform_test_{secrets.token_hex(4)}"
    stops = []

    external_db = os.environ.get("TEST_DATABASE_URL")
    if external_db:
        admin_dsn = _with_database(external_db, "postgres", "postgresql")
    else:
        pg = start_postgres(root / "pg", database="postgres")
        admin_dsn = pg.admin_dsn()
        stops.append(pg.stop)
    import asyncio

    asyncio.run(ensure_database(admin_dsn, database))
    database_url = async_database_url(_with_database(admin_dsn, database, "postgresql"))
    upgrade_head(database_url)

    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        redis = start_redis(root / "redis", persist=False)
        redis_url = redis.url
        stops.append(redis.stop)

    yield Services(
        database_url=database_url, redis_url=redis_url, admin_dsn=admin_dsn, database=database
    )

    asyncio.run(drop_database(admin_dsn, database))
    for stop in reversed(stops):
        stop()


@pytest.fixture(scope="session")
def settings(services: Services, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        env="test",
        database_url=services.database_url,
        redis_url=services.redis_url,
        data_dir=tmp_path_factory.mktemp("data"),
        static_dir=Path("/nonexistent-spa"),
        log_json=False,
        worker_metrics_port=0,
        max_request_body_bytes=64 * 1024,
        rate_limit_login="1000/minute",
        rate_limit_api_key="1000/minute",
        rate_limit_public="1000/minute",
    )


@pytest.fixture(scope="session")
async def engine(services: Services) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(services.database_url, poolclass=NullPool)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose commits are savepoints inside one transaction rolled back after the test."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        session = AsyncSession(
            bind=conn,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
            autoflush=False,
        )
        try:
            yield session
        finally:
            await session.close()
            await outer.rollback()


@pytest.fixture
async def redis(services: Services) -> AsyncIterator[ArqRedis]:
    client = create_redis(services.redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


def build_test_app(
    settings: Settings, db: AsyncSession, redis: ArqRedis, engine: AsyncEngine
) -> FastAPI:
    """The app on the test's session and Redis; each call is another "process" (own caches)."""
    from agentplatform.main import create_app

    application = create_app(settings, manage_resources=False)
    application.state.redis = redis
    application.state.arq = redis
    application.state.rate_limiter = RateLimiter(redis)
    application.state.engine = engine  # what /readyz connects with, outside the test's session

    async def session_override() -> AsyncIterator[AsyncSession]:
        try:
            yield db
            await db.commit()
        except BaseException:
            await db.rollback()
            raise
        await after_commit(db, redis)

    application.dependency_overrides[get_session] = session_override
    return application


@pytest.fixture
async def app(
    settings: Settings, db: AsyncSession, redis: ArqRedis, engine: AsyncEngine
) -> AsyncIterator[object]:
    return build_test_app(settings, db, redis, engine)


@pytest.fixture
async def client(app: object) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=app)  # type: ignore[arg-type]
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def raw_pg(services: Services) -> AsyncIterator[asyncpg.Connection]:
    """A plain asyncpg connection to the test database, outside any test transaction."""
    conn = await asyncpg.connect(
        _with_database(services.admin_dsn, services.database, "postgresql")
    )
    yield conn
    await conn.close()


@pytest.fixture
async def client_factory(app: object) -> AsyncIterator[Callable[[], AsyncClient]]:
    """Separate clients (separate cookie jars) on the same app, e.g. one per signed-in user."""
    clients: list[AsyncClient] = []

    def make() -> AsyncClient:
        http = AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver")  # type: ignore[arg-type]
        clients.append(http)
        return http

    yield make
    for http in clients:
        await http.aclose()


@pytest.fixture
async def live_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"storage_dir": tmp_path / "storage"})


@pytest.fixture
async def live_app(
    live_settings: Settings, engine: AsyncEngine, redis: ArqRedis
) -> AsyncIterator[object]:
    """The app with real, committing sessions: for flows that span the API and the worker.

    What a test commits here is visible to the worker; the tables are emptied afterwards.
    """
    from agentplatform.core.db import create_sessionmaker
    from agentplatform.main import create_app
    from sqlalchemy import text

    application = create_app(live_settings, manage_resources=False)
    application.state.sessionmaker = create_sessionmaker(engine)
    application.state.redis = redis
    application.state.arq = redis
    application.state.rate_limiter = RateLimiter(redis)
    application.state.engine = engine
    yield application
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE tenant, user_account CASCADE"))


@pytest.fixture
async def live_client(live_app: object) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=live_app)  # type: ignore[arg-type]
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture(autouse=True)
def keep_test_logging() -> Iterator[None]:
    """The worker's startup configures logging for the process; give pytest its handlers back."""
    import logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
