"""The router prefilter answers exactly what FastAPI's own matching answers."""

from __future__ import annotations

from agentplatform.core.routing import skip_unmatched_routers
from fastapi import APIRouter, FastAPI
from httpx import ASGITransport, AsyncClient


def _app() -> tuple[FastAPI, APIRouter]:
    app = FastAPI()
    items = APIRouter(prefix="/items")

    @items.get("/{item_id}")
    async def read_item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    inner = APIRouter(prefix="/inner")

    @inner.get("/ping")
    async def ping() -> str:
        return "pong"

    outer = APIRouter(prefix="/outer")
    outer.include_router(inner)
    app.include_router(items, prefix="/api")
    app.include_router(outer, prefix="/api")

    @app.get("/direct")
    async def direct() -> str:
        return "direct"

    return app, items


async def test_prefiltered_routing_matches_like_fastapi() -> None:
    app, items = _app()
    assert skip_unmatched_routers(app) == 3  # items, outer and the router outer includes
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as http:
        assert (await http.get("/api/items/7")).json() == {"id": 7}
        assert (await http.get("/api/items/x")).status_code == 422
        assert (await http.post("/api/items/7")).status_code == 405
        assert (await http.get("/api/outer/inner/ping")).json() == "pong"
        assert (await http.get("/direct")).json() == "direct"
        assert (await http.get("/api/items")).status_code == 404
        assert (await http.get("/api/nothing")).status_code == 404

        @items.get("/late/{name}")  # added after the prefilter was built
        async def late(name: str) -> str:
            return name

        assert (await http.get("/api/items/late/x")).json() == "x"
