"""Async SQLAlchemy: the engine, the declarative base and the one-session-per-request dependency."""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit

from arq import ArqRedis
from fastapi import Depends, Request
from sqlalchemy import DateTime, Enum, MetaData, event, exc, func
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from agentplatform.core.epochs import flush_pending_epochs
from agentplatform.core.jobs import flush_pending_jobs
from agentplatform.core.redis import REDIS_ERRORS
from agentplatform.core.settings import Settings

logger = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


def value_enum(kind: type[enum.Enum], name: str) -> Enum:
    """A PostgreSQL enum type named `name` that stores the members' values, not their names."""
    return Enum(kind, name=name, values_callable=lambda k: [m.value for m in k])


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow, onupdate=utcnow
    )


def escape_like(text: str) -> str:
    """`text` as a literal inside a LIKE pattern (use with `escape="\\"`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def async_database_url(url: str) -> str:
    """Accept `postgres://`, `postgresql://` or `postgresql+asyncpg://`; return the asyncpg form."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme in {"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2"}:
        scheme = "postgresql+asyncpg"
    if scheme != "postgresql+asyncpg":
        raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, got scheme {parts.scheme!r}")
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))


def create_engine(settings: Settings, url: str | None = None, **kwargs: Any) -> AsyncEngine:
    target = url or settings.database_url
    if not target:
        raise RuntimeError(
            "DATABASE_URL is not set (the CLI sets it when it starts embedded Postgres)"
        )
    engine = create_async_engine(
        async_database_url(target),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        # No pre-ping: it costs a transaction and a query (three round trips) on every checkout.
        # Instead connections are replaced after `DB_POOL_RECYCLE_SECONDS`, a connection whose
        # socket the server already closed is swapped at checkout without a round trip (below),
        # and one lost mid-request invalidates the pool and answers 503 (`core.errors`).
        pool_pre_ping=False,
        pool_recycle=settings.db_pool_recycle_seconds,
        **kwargs,
    )
    event.listen(engine.sync_engine, "checkout", _refuse_closed_connection)
    return engine


def _refuse_closed_connection(
    dbapi_connection: DBAPIConnection,
    record: ConnectionPoolEntry,
    proxy: PoolProxiedConnection,
) -> None:
    """A pooled connection whose server went away (restart, failover, idle kill) is known to the
    driver as closed; raising DisconnectionError makes the pool open a fresh one instead."""
    driver = getattr(dbapi_connection, "driver_connection", None)
    is_closed = getattr(driver, "is_closed", None)
    if callable(is_closed) and is_closed():
        raise exc.DisconnectionError("the pooled connection was closed by the server")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def unit_of_work(
    maker: async_sessionmaker[AsyncSession], arq: ArqRedis | None
) -> AsyncIterator[AsyncSession]:
    """One session committed once when the block ends (rolled back if it raises); the jobs it
    enqueued with `enqueue_after_commit` are sent, and the cache epochs it bumped incremented,
    only after the commit. Requests and jobs alike."""
    session = maker()
    try:
        try:
            yield session
            # Nothing began (a grant from the cache, no query, no add): nothing to commit. Adding
            # an object or running a statement begins a transaction, so nothing is skipped.
            if session.in_transaction():
                await session.commit()
        except BaseException:
            await session.rollback()
            raise
        await after_commit(session, arq)
    finally:
        await _close(session)


async def _close(session: AsyncSession) -> None:
    """Close the session, unless it never held anything: no transaction (so no connection) and
    no object. Then there is nothing to release, and `close()` would only cost a trip through a
    greenlet on the requests that need the database least (a cached grant, no query)."""
    sync = session.sync_session
    if session.in_transaction() or sync.identity_map or sync.new or sync.deleted:
        await session.close()


async def after_commit(session: AsyncSession, arq: ArqRedis | None) -> None:
    """What waits for the commit: epochs first (a job may read what they guard), then jobs."""
    await flush_pending_epochs(session, arq)
    try:
        await flush_pending_jobs(session, arq)
    except REDIS_ERRORS as exc:
        # What was asked for is committed; the rows that are work wait for a job, and the
        # stale-work sweep sends it again once Redis answers.
        logger.warning("jobs not sent, Redis did not answer", extra={"error": repr(exc)})


async def commit_early(session: AsyncSession, arq: ArqRedis | None) -> None:
    """Commit what a request stored before it goes on with slow work that needs no transaction
    (an agent writing its answer): the rest of its unit of work starts from a clean session."""
    await session.commit()
    await after_commit(session, arq)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, committed when the route returns, before the response is sent."""
    async with unit_of_work(request.app.state.sessionmaker, request.app.state.arq) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
