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
from sqlalchemy import DateTime, Enum, MetaData, func
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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
    return create_async_engine(
        async_database_url(target),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_pre_ping=True,
        **kwargs,
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def unit_of_work(
    maker: async_sessionmaker[AsyncSession], arq: ArqRedis | None
) -> AsyncIterator[AsyncSession]:
    """One session committed once when the block ends (rolled back if it raises); the jobs it
    enqueued with `enqueue_after_commit` are sent only after the commit. Requests and jobs alike."""
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        try:
            await flush_pending_jobs(session, arq)
        except REDIS_ERRORS as exc:
            # What was asked for is committed; the rows that are work wait for a job, and the
            # stale-work sweep sends it again once Redis answers.
            logger.warning("jobs not sent, Redis did not answer", extra={"error": repr(exc)})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, committed when the route returns, before the response is sent."""
    async with unit_of_work(request.app.state.sessionmaker, request.app.state.arq) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
