"""Liveness, readiness and Prometheus metrics for the API process."""

from __future__ import annotations

import time
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from agentplatform.core.app_state import app_settings
from agentplatform.core.db import SessionDep
from agentplatform.core.metrics import render_metrics
from agentplatform.core.migrations import current_revisions, head_revisions
from agentplatform.core.redis import WORKER_HEARTBEAT_KEY

router = APIRouter(tags=["ops"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Check(BaseModel):
    ok: bool
    detail: str


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, Check]


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is alive (no dependencies are checked)."""
    return Health()


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
async def readyz(request: Request, session: SessionDep) -> JSONResponse:
    """Ready: Postgres answers, migrations are at head, Redis answers, a worker is alive."""
    settings = app_settings(request)
    checks: dict[str, Check] = {}
    try:
        await session.execute(text("SELECT 1"))
        checks["postgres"] = Check(ok=True, detail="reachable")
        conn = await session.connection()
        current, heads = await current_revisions(conn), head_revisions()
        checks["migrations"] = Check(
            ok=current == heads,
            detail="at head" if current == heads else f"at {sorted(current)}, head {sorted(heads)}",
        )
    except Exception as exc:
        checks["postgres"] = Check(ok=False, detail=type(exc).__name__)
    redis = request.app.state.redis
    try:
        await redis.ping()
        checks["redis"] = Check(ok=True, detail="reachable")
        beat = await redis.get(WORKER_HEARTBEAT_KEY)
        age = time.time() - float(beat) if beat else None
        fresh = age is not None and age <= settings.worker_heartbeat_stale_seconds
        checks["worker"] = Check(
            ok=fresh,
            detail=f"heartbeat {age:.0f}s ago" if age is not None else "no heartbeat seen",
        )
    except Exception as exc:
        checks["redis"] = Check(ok=False, detail=type(exc).__name__)
    ready = all(check.ok for check in checks.values()) and len(checks) == 4
    body = Readiness(status="ready" if ready else "not_ready", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    payload, content_type = render_metrics()
    return Response(payload, media_type=content_type)
