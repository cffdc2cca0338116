"""Prometheus metrics for the API: requests by route template, their duration, what is in flight.

The `route` label is the route's template (`/api/v1/tenants/{tenant_id}/members`), never the raw
path, and every path that no route handles shares `<unmatched>`, so the number of series stays
bounded whatever clients send. With `PROMETHEUS_MULTIPROC_DIR` set (several uvicorn workers), the
exposition merges every process's values; the variable must be set before the process starts.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from fastapi.routing import RouteContext, iter_route_contexts
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED_ROUTE = "<unmatched>"
_KNOWN_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}
)

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time from receiving an HTTP request to the end of its response, by route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
HTTP_REQUESTS_IN_PROGRESS = Gauge(
    "http_requests_in_progress",
    "HTTP requests being handled right now.",
    ["method"],
    multiprocess_mode="livesum",
)


def metrics_registry() -> CollectorRegistry:
    """The registry to expose: every process's values in multiprocess mode, else this process's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def render_metrics() -> tuple[bytes, str]:
    """The text exposition of all metrics and its content type, for a `/metrics` route."""
    return generate_latest(metrics_registry()), CONTENT_TYPE_LATEST


@dataclass
class _RouteIndex:
    """The app's routes flattened (included routers carry their prefixes), built once per app."""

    version: object
    contexts: list[RouteContext]
    # Template by the route object the router leaves in `scope["route"]`; None when one route is
    # reachable under several templates (a router included twice), which needs a real match.
    by_route: dict[int, str | None] = field(default_factory=dict)

    @classmethod
    def build(cls, routes: list[BaseRoute], version: object) -> _RouteIndex:
        contexts = list(iter_route_contexts(routes))
        by_route: dict[int, str | None] = {}
        for context in contexts:
            template = context.path_format
            key = id(context.original_route)
            if key in by_route and by_route[key] != template:
                by_route[key] = None
            else:
                by_route[key] = template
        return cls(version=version, contexts=contexts, by_route=by_route)

    def match(self, scope: Scope) -> str | None:
        """Match a copy of the scope as it was before routing; FULL beats PARTIAL (405)."""
        partial: str | None = None
        for context in self.contexts:
            found, _ = context.matches(dict(scope))
            if found is Match.FULL:
                return context.path_format
            if found is Match.PARTIAL and partial is None:
                partial = context.path_format
        return partial


def _routes_version(app: object) -> object:
    router = getattr(app, "router", None)
    get_version = getattr(router, "_get_routes_version", None)
    if callable(get_version):
        return get_version()
    routes = getattr(app, "routes", None)
    return len(routes) if isinstance(routes, list) else None


class RequestMetrics:
    """The request series of one process, by method, route template and status.

    Used by `core.middleware.RequestMiddleware` (the app's one layer around each request) and by
    `MetricsMiddleware`. `started` before the app runs, `finished` after, with a copy of the
    scope taken before routing (routing mutates the scope: root_path, path_params, ...).
    """

    def __init__(self) -> None:
        self._indexes: dict[int, _RouteIndex] = {}
        # Label lookups take a lock each; the label sets are bounded, so keep the children.
        self._in_progress: dict[str, Gauge] = {}
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    @staticmethod
    def method_label(method: str) -> str:
        return method if method in _KNOWN_METHODS else "OTHER"

    def started(self, method: str) -> Gauge:
        """Count the request in flight; the gauge to hand back to `finished`."""
        in_progress = self._in_progress.get(method)
        if in_progress is None:
            in_progress = self._in_progress[method] = HTTP_REQUESTS_IN_PROGRESS.labels(method)
        in_progress.inc()
        return in_progress

    def finished(
        self,
        scope: Scope,
        before_routing: Scope,
        method: str,
        in_progress: Gauge,
        status: int,
        elapsed: float,
    ) -> None:
        in_progress.dec()
        try:
            route = self.route_template(scope, before_routing)
        except Exception:  # metrics must never turn a response into an error
            route = UNMATCHED_ROUTE
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = (
                HTTP_REQUESTS.labels(method, route, str(status)),
                HTTP_REQUEST_DURATION.labels(method, route),
            )
        series[0].inc()
        series[1].observe(elapsed)

    def route_template(self, scope: Scope, before_routing: Scope) -> str:
        app = scope.get("app")
        routes = getattr(app, "routes", None)
        if app is None or not isinstance(routes, list):
            return UNMATCHED_ROUTE
        index = self._indexes.get(id(app))
        if index is None:
            index = self._indexes[id(app)] = _RouteIndex.build(routes, _routes_version(app))
        selected = scope.get("route")
        template = index.by_route.get(id(selected)) if selected is not None else None
        if template is not None:
            return template
        # A miss: a mount, a path no route handles, or routes added since the index was built.
        version = _routes_version(app)
        if version != index.version:
            index = self._indexes[id(app)] = _RouteIndex.build(routes, version)
            template = index.by_route.get(id(selected)) if selected is not None else None
            if template is not None:
                return template
        return index.match(before_routing) or UNMATCHED_ROUTE


class MetricsMiddleware:
    """Pure ASGI middleware: counts and times HTTP requests by route template and status (the
    app itself records them in `core.middleware.RequestMiddleware`, with everything else)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.metrics = RequestMetrics()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = RequestMetrics.method_label(scope["method"])
        before_routing = dict(scope)
        status = 500
        in_progress = self.metrics.started(method)
        started = time.perf_counter()

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.finished(scope, before_routing, method, in_progress, status, elapsed)
