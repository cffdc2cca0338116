"""X-Forwarded-* count only from configured proxies (FORWARDED_ALLOW_IPS)."""

from __future__ import annotations

import pytest
from agentplatform.core.forwarded import ForwardedHeadersMiddleware, TrustedProxies
from agentplatform.core.settings import Settings
from httpx import ASGITransport, AsyncClient
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.factories import create_owner, login

FORWARDED = {
    "X-Forwarded-For": "203.0.113.9, 10.0.0.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "app.example.com",
}


async def _seen(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "client": request.client.host if request.client else None,
            "url": str(request.url),
            "forwarded": sorted(k for k in request.headers if k.startswith("x-forwarded")),
        }
    )


def _client(trusted: list[str], peer: str) -> AsyncClient:
    app = ForwardedHeadersMiddleware(
        Starlette(routes=[Route("/seen", _seen)]), trusted=TrustedProxies(trusted)
    )
    return AsyncClient(transport=ASGITransport(app=app, client=(peer, 5000)), base_url="http://api")


async def test_headers_from_a_stranger_are_dropped() -> None:
    async with _client([], "198.51.100.1") as client:
        seen = (await client.get("/seen", headers=FORWARDED)).json()
    assert seen == {"client": "198.51.100.1", "url": "http://api/seen", "forwarded": []}
    async with _client(["10.0.0.0/8"], "198.51.100.1") as client:
        seen = (await client.get("/seen", headers=FORWARDED)).json()
    assert seen["client"] == "198.51.100.1"
    assert seen["url"] == "http://api/seen"


async def test_a_configured_proxy_sets_client_scheme_and_host() -> None:
    async with _client(["10.0.0.0/8"], "10.0.0.2") as client:
        seen = (await client.get("/seen", headers=FORWARDED)).json()
    # The right-most hop that is not a trusted proxy is the client.
    assert seen == {
        "client": "203.0.113.9",
        "url": "https://app.example.com/seen",
        "forwarded": [],
    }
    async with _client(["*"], "172.16.0.3") as client:
        seen = (await client.get("/seen", headers=FORWARDED)).json()
    assert seen["client"] == "203.0.113.9"


def test_proxies_must_be_addresses_or_networks() -> None:
    assert Settings(forwarded_allow_ips="10.0.0.1, 192.168.0.0/16").forwarded_allow_ips == [  # type: ignore[arg-type]
        "10.0.0.1",
        "192.168.0.0/16",
    ]
    with pytest.raises(ValidationError, match=r"proxy\.example"):
        Settings(forwarded_allow_ips="proxy.example")  # type: ignore[arg-type]


async def test_a_client_cannot_pose_as_another_origin_with_forwarded_host(
    client: AsyncClient, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    posed = await client.patch(
        f"/api/v1/tenants/{owner.tenant.id}",
        json={"name": "Pwned"},
        headers={
            "Origin": "https://evil.example",
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Proto": "https",
        },
    )
    assert posed.status_code == 403
    assert posed.json()["type"] == "urn:agentplatform:problem:csrf-rejected"
