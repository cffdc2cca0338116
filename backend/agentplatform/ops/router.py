"""Liveness, readiness and Prometheus metrics for the API process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Literal

from arq import ArqRedis
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from agentplatform.core.app_state import app_settings
from agentplatform.core.metrics import render_metrics
from agentplatform.core.migrations import current_revisions, head_revisions
from agentplatform.core.redis import WORKER_HEARTBEAT_KEY
from agentplatform.runtime import supervised_children

router = APIRouter(tags=["ops"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Check(BaseModel):
    ok: bool
    detail: str


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, Check]


_HEALTHY = Health().model_dump_json().encode()


@router.get("/healthz", response_model=Health)
async def healthz() -> Response:
    """The process is alive (no dependencies are checked)."""
    # Probed often: the same bytes every time, encoded once (the schema stays `Health`).
    return Response(_HEALTHY, media_type="application/json")


async def _postgres(engine: AsyncEngine) -> dict[str, Check]:
    # A connection of its own, back in the pool as soon as PostgreSQL has answered.
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
        current, heads = await current_revisions(conn), head_revisions()
    return {
        "postgres": Check(ok=True, detail="reachable"),
        "migrations": Check(
            ok=current == heads,
            detail="at head" if current == heads else f"at {sorted(current)}, head {sorted(heads)}",
        ),
    }


async def _redis(redis: ArqRedis, stale_after: int) -> dict[str, Check]:
    await redis.ping()
    beat = await redis.get(WORKER_HEARTBEAT_KEY)
    age = time.time() - float(beat) if beat else None
    return {
        "redis": Check(ok=True, detail="reachable"),
        "worker": Check(
            ok=age is not None and age <= stale_after,
            detail=f"heartbeat {age:.0f}s ago" if age is not None else "no heartbeat seen",
        ),
    }


async def _within(
    budget: float, check: Awaitable[dict[str, Check]], names: tuple[str, str]
) -> dict[str, Check]:
    """The check's answers, or both names down with the reason when it fails or is too slow."""
    try:
        async with asyncio.timeout(budget):
            return await check
    except TimeoutError:
        down = Check(ok=False, detail=f"no answer within {budget:g}s")
    except Exception as exc:
        down = Check(ok=False, detail=type(exc).__name__)
    return {names[0]: down, names[1]: Check(ok=False, detail=f"unknown: {names[0]} is down")}


def _supervisor() -> dict[str, Check]:
    children = supervised_children()
    if children is None:
        return {}
    return {
        "supervisor": Check(
            ok=all(state.running for state in children.values()),
            detail="; ".join(state.describe(name) for name, state in children.items()),
        )
    }


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
async def readyz(request: Request) -> JSONResponse:
    """Ready: Postgres answers, migrations are at head, Redis answers, a worker is alive (and,
    under `make run`, every supervised child is up). Answers within READYZ_TIMEOUT_SECONDS."""
    settings = app_settings(request)
    budget = settings.readyz_timeout_seconds
    database, cache = await asyncio.gather(
        _within(budget, _postgres(request.app.state.engine), ("postgres", "migrations")),
        _within(
            budget,
            _redis(request.app.state.redis, settings.worker_heartbeat_stale_seconds),
            ("redis", "worker"),
        ),
    )
    checks = {**database, **cache, **_supervisor()}
    ready = all(check.ok for check in checks.values())
    body = Readiness(status="ready" if ready else "not_ready", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    payload, content_type = render_metrics()
    return Response(payload, media_type=content_type)
