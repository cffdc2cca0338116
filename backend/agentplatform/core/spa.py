"""Serve the built SPA (Vite's `dist/`) from the API process, when it has been built.

`/assets/*` are hashed files served with long-lived caching; any other GET that no API route
handles gets `index.html` so that client-side routes (`/agents/123`) survive a reload. Paths that
belong to the API (`/api/`, `/docs`, `/metrics`, `/healthz`, `/readyz`) never fall back: an
unknown one keeps its problem+json 404.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Match, Route
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from agentplatform.core.errors import NotFound

# Prefixes that belong to the API: an unknown path under them is a real 404, never index.html.
API_PREFIXES = ("/api", "/docs", "/metrics", "/healthz", "/readyz", "/assets")
_IMMUTABLE = "public, max-age=31536000, immutable"
_NO_CACHE = "no-cache"


def is_api_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in API_PREFIXES)


class _AssetFiles(StaticFiles):
    """Vite puts a content hash in every asset name, so the files can be cached for good."""

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        if response.status_code == 200:
            response.headers["Cache-Control"] = _IMMUTABLE
        return response


class _SpaRoute(Route):
    """A catch-all that only exists for browser page loads outside the API's paths.

    Returning `Match.NONE` (rather than answering 404 itself) leaves API paths to the router's own
    not-found handling, which the error handlers turn into problem+json.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if (
            scope["type"] != "http"
            or scope["method"] not in {"GET", "HEAD"}
            or is_api_path(scope["path"])
        ):
            return Match.NONE, {}
        return super().matches(scope)


def mount_spa(app: FastAPI, static_dir: Path) -> None:
    """Serve `static_dir` at `/` if it holds a built SPA (`index.html`); otherwise do nothing."""
    root = static_dir.resolve()
    index = root / "index.html"
    if not index.is_file():
        return
    assets = root / "assets"
    if assets.is_dir():
        app.mount("/assets", _AssetFiles(directory=assets), name="spa-assets")

    async def spa_page(request: Request) -> Response:
        relative = request.path_params.get("path", "")
        if relative:
            candidate = (root / relative).resolve()
            if (
                candidate.is_relative_to(root)
                and candidate.is_file()
                and not any(part.startswith(".") for part in candidate.relative_to(root).parts)
            ):
                return FileResponse(candidate)
        if not index.is_file():  # the build was removed while running
            raise NotFound(f"{request.url.path} does not exist")
        return FileResponse(index, headers={"Cache-Control": _NO_CACHE})

    app.router.routes.append(
        _SpaRoute("/{path:path}", spa_page, methods=["GET", "HEAD"], include_in_schema=False)
    )
