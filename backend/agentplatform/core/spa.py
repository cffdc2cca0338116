"""Serve the built SPA (Vite's `dist/`) from the API process, when it has been built.

`/assets/*` are hashed files served with long-lived caching; any other GET that no API route
handles gets `index.html` (`no-cache`: revalidated on every load, so a deploy shows at once) so
that client-side routes (`/agents/123`) survive a reload. Paths that belong to the API (`/api/`,
`/docs`, `/metrics`, `/healthz`, `/readyz`) never fall back: an unknown one keeps its
problem+json 404.

The build writes a brotli (`.br`) and a gzip (`.gz`) copy next to each text file; a client that
accepts one gets it as it is (`Content-Encoding`, `Vary: Accept-Encoding`), so no request spends
CPU on compression. The copies are never served under their own names.
"""

from __future__ import annotations

import errno
import mimetypes
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Match, Route
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

from agentplatform.core.errors import NotFound

# Prefixes that belong to the API: an unknown path under them is a real 404, never index.html.
API_PREFIXES = ("/api", "/docs", "/metrics", "/healthz", "/readyz", "/assets")
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
# Precompressed copies the build writes, in the order the server prefers them.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
_SUFFIXES = tuple(suffix for _, suffix in ENCODINGS)


def is_api_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in API_PREFIXES)


def accepted_encodings(header: str) -> dict[str, float]:
    """`Accept-Encoding` as coding → quality (`br;q=0` refuses br; `*` stands for the rest)."""
    accepted: dict[str, float] = {}
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        accepted[coding] = quality
    return accepted


def choose_encoding(header: str | None, available: list[str]) -> str | None:
    """The best of `available` the client accepts (highest quality, then our order), or None."""
    if not header or not available:
        return None
    accepted = accepted_encodings(header)
    wildcard = accepted.get("*", 0.0)
    best: tuple[float, str] | None = None
    for coding in available:  # in ENCODINGS order: on a tie the earlier one wins
        quality = accepted.get(coding, wildcard)
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, coding)
    return best[1] if best else None


@dataclass(frozen=True)
class _Found:
    """A file of the build, and the precompressed copies of it that exist."""

    path: str
    stat: os.stat_result
    variants: dict[str, tuple[str, os.stat_result]]


class _BuildFiles(StaticFiles):
    """Files of one directory of the build, each sent as its precompressed copy when accepted."""

    def __init__(self, *, directory: Path, cache_control: str) -> None:
        super().__init__(directory=directory)
        self.cache_control = cache_control

    def _regular(self, relative: str) -> tuple[str, os.stat_result] | None:
        try:
            full_path, stat_result = self.lookup_path(relative)
        except ValueError:  # a NUL byte or the like: no such file
            return None
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:
                return None
            raise
        if stat_result is None or not stat.S_ISREG(stat_result.st_mode):
            return None
        return full_path, stat_result

    def find_file(self, relative: str) -> _Found | None:
        """Blocking (it stats files): call it in a worker thread."""
        if not relative or relative.endswith(_SUFFIXES):
            return None
        if any(part.startswith(".") for part in Path(relative).parts):
            return None
        found = self._regular(relative)
        if found is None:
            return None
        variants = {
            coding: variant
            for coding, suffix in ENCODINGS
            if (variant := self._regular(relative + suffix)) is not None
        }
        return _Found(path=found[0], stat=found[1], variants=variants)

    async def find(self, relative: str) -> _Found | None:
        return await anyio.to_thread.run_sync(self.find_file, relative)

    def respond(self, found: _Found, scope: Scope) -> Response:
        request_headers = Headers(scope=scope)
        headers = {"Cache-Control": self.cache_control}
        path, stat_result = found.path, found.stat
        if found.variants:
            headers["Vary"] = "Accept-Encoding"
            coding = choose_encoding(request_headers.get("accept-encoding"), list(found.variants))
            if coding is not None:
                path, stat_result = found.variants[coding]
                headers["Content-Encoding"] = coding
        media_type = mimetypes.guess_type(found.path)[0] or "text/plain"
        # The copy's own size, ETag and Last-Modified: each encoding is its own representation.
        response = FileResponse(
            path, stat_result=stat_result, headers=headers, media_type=media_type
        )
        if self.is_not_modified(response.headers, request_headers):
            return NotModifiedResponse(response.headers)
        return response

    async def get_response(self, path: str, scope: Scope) -> Response:
        if scope["method"] not in ("GET", "HEAD"):
            raise HTTPException(status_code=405, headers={"Allow": "GET, HEAD"})
        found = await self.find(path)
        if found is None:
            raise HTTPException(status_code=404)
        return self.respond(found, scope)


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
    if not (root / "index.html").is_file():
        return
    assets = root / "assets"
    if assets.is_dir():
        app.mount(
            "/assets", _BuildFiles(directory=assets, cache_control=IMMUTABLE), name="spa-assets"
        )
    # Files at the top of the build (index.html, favicon.svg) keep their names across builds.
    top = _BuildFiles(directory=root, cache_control=NO_CACHE)

    async def spa_page(request: Request) -> Response:
        relative = request.path_params.get("path", "")
        found = (await top.find(relative) if relative else None) or await top.find("index.html")
        if found is None:  # the build was removed while running
            raise NotFound(f"{request.url.path} does not exist")
        return top.respond(found, request.scope)

    app.router.routes.append(
        _SpaRoute("/{path:path}", spa_page, methods=["GET", "HEAD"], include_in_schema=False)
    )
