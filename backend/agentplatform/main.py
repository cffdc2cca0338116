"""The FastAPI application: middleware, error handlers, routers, and the resources they share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.constants import REF_PREFIX, REF_TEMPLATE
from fastapi.routing import APIRoute
from starlette.types import Scope

from agentplatform.ai import llm
from agentplatform.core.db import create_engine, create_sessionmaker
from agentplatform.core.errors import (
    PROBLEM_CONTENT_TYPE,
    FieldError,
    Problem,
    install_error_handlers,
)
from agentplatform.core.forwarded import TrustedProxies
from agentplatform.core.logging import configure_logging
from agentplatform.core.middleware import RequestMiddleware
from agentplatform.core.observability import init_sentry
from agentplatform.core.ratelimit import RateLimiter
from agentplatform.core.redis import create_redis
from agentplatform.core.routing import skip_unmatched_routers
from agentplatform.core.settings import Settings, get_settings
from agentplatform.core.spa import mount_spa
from agentplatform.core.storable import refuse_unstorable_input
from agentplatform.domains import DOMAINS
from agentplatform.ops.router import router as ops_router
from agentplatform.tenancy.grants import GrantCache

API_PREFIX = "/api/v1"
UPLOAD_PATHS = tuple(path for domain in DOMAINS for path in domain.upload_paths)


def operation_id(route: APIRoute) -> str:
    """Stable ids for the generated client: `<tag>-<function>`, e.g. `api-keys-create_api_key`."""
    tag = str(route.tags[0]) if route.tags else "default"
    return f"{tag}-{route.name}"


async def open_resources(app: FastAPI, settings: Settings) -> None:
    engine = create_engine(settings)
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    redis = create_redis(settings.redis_url or "", timeout=settings.redis_timeout_seconds)
    app.state.redis = redis
    app.state.arq = redis
    app.state.rate_limiter = RateLimiter(redis, budget=settings.redis_fast_timeout_seconds)


async def close_resources(app: FastAPI) -> None:
    await llm.close_clients()
    await app.state.redis.aclose()
    await app.state.engine.dispose()


def _problem_schema_for_validation_errors(app: FastAPI) -> None:
    """Errors are documented as `application/problem+json` with the `Problem` schema (FastAPI would
    say `application/json`, and `HTTPValidationError` for 422)."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "Problem" not in components:
            components["Problem"] = Problem.model_json_schema(ref_template=REF_TEMPLATE)
            components.update(
                FieldError.model_json_schema(ref_template=REF_TEMPLATE).get("$defs", {})
            )
        problem = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": f"{REF_PREFIX}Problem"}}}
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if status == "422" or PROBLEM_CONTENT_TYPE in content:
                        response["content"] = problem
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None, *, manage_resources: bool = True) -> FastAPI:
    """`manage_resources=False` lets tests attach their own engine, sessions and Redis to state."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if manage_resources:
            if not settings.database_url or not settings.redis_url:
                raise RuntimeError(
                    "DATABASE_URL and REDIS_URL are required; `agentplatform run` starts "
                    "embedded ones when they are unset"
                )
            await open_resources(app, settings)
        try:
            yield
        finally:
            if manage_resources:
                await close_resources(app)

    app = FastAPI(
        title="GPT Agent Platform",
        version="0.1.0",
        summary="Multi-tenant AI agents that work Kommo CRM leads",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url="/docs",
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    app.state.settings = settings
    # Per process; it reads its invalidation epochs through `app.state.redis`.
    app.state.grant_cache = GrantCache(
        settings.auth_cache_seconds, budget=settings.redis_fast_timeout_seconds
    )
    install_error_handlers(app)

    def body_limit(scope: Scope) -> int:
        # Uploads get the document limit plus room for the multipart envelope.
        if scope["method"] == "POST" and scope["path"].endswith(UPLOAD_PATHS):
            return settings.max_upload_bytes + 64 * 1024
        return settings.max_request_body_bytes

    # One layer: forwarded headers (so everything after sees the real client, scheme and host,
    # never the headers), request id and access line, metrics, then the body limit.
    app.add_middleware(
        RequestMiddleware,
        limit_for=body_limit,
        trusted=TrustedProxies(settings.forwarded_allow_ips),
    )

    app.include_router(ops_router)  # no parameters, and probed often: nothing to check
    # Every API route: parameters and form fields PostgreSQL could not store are a 422.
    refuse_unstorable = [Depends(refuse_unstorable_input)]
    for domain in DOMAINS:
        for router in domain.routers:
            app.include_router(router, prefix=API_PREFIX, dependencies=refuse_unstorable)
    mount_spa(app, Path(settings.static_dir))
    skip_unmatched_routers(app)
    _problem_schema_for_validation_errors(app)
    return app


def build_app() -> FastAPI:
    """Uvicorn factory: logging and Sentry are set up once per process, then the app."""
    settings = get_settings()
    configure_logging(settings, component="api")
    init_sentry(settings, component="api")
    return create_app(settings)
