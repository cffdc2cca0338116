from __future__ import annotations

import time

from agentplatform.core.redis import WORKER_HEARTBEAT_KEY
from arq import ArqRedis
from httpx import AsyncClient


async def test_healthz(client: AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_needs_a_live_worker(client: AsyncClient, redis: ArqRedis) -> None:
    not_ready = await client.get("/readyz")
    assert not_ready.status_code == 503
    checks = not_ready.json()["checks"]
    assert checks["postgres"]["ok"]
    assert checks["redis"]["ok"]
    assert checks["migrations"]["ok"]
    assert checks["worker"] == {"ok": False, "detail": "no heartbeat seen"}

    await redis.set(WORKER_HEARTBEAT_KEY, str(time.time()))
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"

    await redis.set(WORKER_HEARTBEAT_KEY, str(time.time() - 3600))
    assert (await client.get("/readyz")).status_code == 503


async def test_metrics_count_requests_by_route_template(client: AsyncClient) -> None:
    await client.get("/api/v1/tenants/00000000-0000-0000-0000-000000000001")
    body = (await client.get("/metrics")).text
    assert 'route="/api/v1/tenants/{tenant_id}"' in body
    assert "00000000-0000-0000-0000-000000000001" not in body


async def test_openapi_has_stable_operation_ids_and_declared_errors(client: AsyncClient) -> None:
    schema = (await client.get("/api/v1/openapi.json")).json()
    ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    assert "auth-login" in ids
    assert "api-keys-create_api_key" in ids
    create_key = schema["paths"]["/api/v1/tenants/{tenant_id}/api-keys"]["post"]
    assert {"401", "403", "404", "422"} <= set(create_key["responses"])
