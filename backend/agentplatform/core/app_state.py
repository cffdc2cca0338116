"""Typed access to what the app keeps on `app.state` (set up in `main.py` or by the tests)."""

from __future__ import annotations

from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request

from agentplatform.core.settings import Settings


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def app_sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return maker


def app_arq(request: Request) -> ArqRedis | None:
    arq: ArqRedis | None = request.app.state.arq
    return arq
