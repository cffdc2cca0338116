"""MetricsMiddleware on a small app: route templates as labels, bounded cardinality, exposition."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from agentplatform.core.errors import install_error_handlers
from agentplatform.core.metrics import UNMATCHED_ROUTE, MetricsMiddleware, render_metrics
from fastapi import APIRouter, FastAPI
from httpx import ASGITransport, AsyncClient
from prometheus_client import REGISTRY
from starlette.staticfiles import StaticFiles


def requests_total(method: str, route: str, status: int) -> float:
    labels = {"method": method, "route": route, "status": str(status)}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


def duration_count(method: str, route: str) -> float:
    labels = {"method": method, "route": route}
    return REGISTRY.get_sample_value("http_request_duration_seconds_count", labels) or 0.0


def build_app(static_dir: Path) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/items/{item_id}")
    async def read_item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("kaboom")

    tenants = APIRouter()

    @tenants.get("/tenants/{tenant_id}/members")
    async def members(tenant_id: str) -> list[str]:
        return []

    app.include_router(tenants, prefix="/api/v1")
    app.mount("/static", StaticFiles(directory=static_dir), name="static")
    app.add_middleware(MetricsMiddleware)
    return app


@pytest.fixture
async def http(tmp_path: Path) -> AsyncIterator[AsyncClient]:
    (tmp_path / "app.js").write_text("console.log(1)")
    transport = ASGITransport(app=build_app(tmp_path), raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_requests_are_labelled_by_route_template(http: AsyncClient) -> None:
    before = requests_total("GET", "/items/{item_id}", 200)
    before_duration = duration_count("GET", "/items/{item_id}")

    assert (await http.get("/items/1")).status_code == 200
    assert (await http.get("/items/2")).status_code == 200

    assert requests_total("GET", "/items/{item_id}", 200) - before == 2
    assert duration_count("GET", "/items/{item_id}") - before_duration == 2
    assert requests_total("GET", "/items/1", 200) == 0


async def test_included_router_routes_carry_their_prefix(http: AsyncClient) -> None:
    template = "/api/v1/tenants/{tenant_id}/members"
    before = requests_total("GET", template, 200)

    assert (await http.get("/api/v1/tenants/abc/members")).status_code == 200

    assert requests_total("GET", template, 200) - before == 1


async def test_status_codes_are_recorded_per_template(http: AsyncClient) -> None:
    before_422 = requests_total("GET", "/items/{item_id}", 422)
    before_405 = requests_total("POST", "/items/{item_id}", 405)
    before_500 = requests_total("GET", "/boom", 500)

    assert (await http.get("/items/not-a-number")).status_code == 422
    assert (await http.post("/items/1")).status_code == 405
    assert (await http.get("/boom")).status_code == 500

    assert requests_total("GET", "/items/{item_id}", 422) - before_422 == 1
    assert requests_total("POST", "/items/{item_id}", 405) - before_405 == 1
    assert requests_total("GET", "/boom", 500) - before_500 == 1


async def test_unknown_paths_share_one_series(http: AsyncClient) -> None:
    before = requests_total("GET", UNMATCHED_ROUTE, 404)

    for path in ("/nope", "/nope/1", "/api/v1/tenants"):
        assert (await http.get(path)).status_code == 404

    assert requests_total("GET", UNMATCHED_ROUTE, 404) - before == 3


async def test_mounted_apps_are_labelled_by_their_mount(http: AsyncClient) -> None:
    before_200 = requests_total("GET", "/static/{path}", 200)
    before_404 = requests_total("GET", "/static/{path}", 404)

    assert (await http.get("/static/app.js")).status_code == 200
    assert (await http.get("/static/missing.js")).status_code == 404

    assert requests_total("GET", "/static/{path}", 200) - before_200 == 1
    assert requests_total("GET", "/static/{path}", 404) - before_404 == 1


async def test_unusual_methods_are_grouped(http: AsyncClient) -> None:
    before = requests_total("OTHER", UNMATCHED_ROUTE, 404)

    await http.request("BREW", "/nope")

    assert requests_total("OTHER", UNMATCHED_ROUTE, 404) - before == 1


async def test_in_progress_returns_to_zero(http: AsyncClient) -> None:
    await http.get("/items/3")

    assert REGISTRY.get_sample_value("http_requests_in_progress", {"method": "GET"}) == 0


async def test_render_metrics_exposes_the_series(http: AsyncClient) -> None:
    await http.get("/items/7")
    await http.get("/missing")

    payload, content_type = render_metrics()

    text = payload.decode()
    assert content_type.startswith("text/plain")
    assert "http_requests_total" in text
    assert "http_request_duration_seconds_bucket" in text
    assert "http_requests_in_progress" in text
    assert 'route="/items/{item_id}"' in text
    assert f'route="{UNMATCHED_ROUTE}"' in text


async def test_routes_added_after_the_first_request_are_recognised(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        await client.get("/items/1")

        @app.get("/late/{name}")
        async def late(name: str) -> str:
            return name

        before = requests_total("GET", "/late/{name}", 200)
        assert (await client.get("/late/x")).status_code == 200

    assert requests_total("GET", "/late/{name}", 200) - before == 1
