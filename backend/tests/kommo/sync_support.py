"""Kommo sync tests: a signed-in workspace connected to the simulator, committed for the worker."""

from __future__ import annotations

import uuid
from typing import Any

from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.connection.models import AuthKind
from agentplatform.kommo.connection.service import save_connection
from agentplatform.kommo.simulator import KommoSimulator
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import signed_in_workspace
from tests.worker_support import run_burst


async def connected_workspace(
    http: AsyncClient,
    engine: AsyncEngine,
    settings: Settings,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
    *,
    token: str | None = None,
) -> tuple[str, uuid.UUID]:
    """(API base of the Kommo integration, tenant id) of a new workspace connected to `kommo`."""
    base, tenant_id = await signed_in_workspace(http, engine)
    account = await kommo_client.account()
    async with create_sessionmaker(engine)() as session:
        await save_connection(
            session,
            settings,
            tenant_id,
            base_url=kommo.base_url,
            account=account,
            auth_kind=AuthKind.long_lived,
            access_token=token or kommo.token,
        )
        await session.commit()
    return f"{base}/integrations/kommo", tenant_id


async def sync(
    http: AsyncClient, base: str, settings: Settings, *kinds: str
) -> dict[str, dict[str, Any]]:
    """Asks for a sync (all kinds if none given), runs the worker; the runs by kind, as listed."""
    body = {"kinds": list(kinds)} if kinds else None
    asked = await http.post(f"{base}/sync", json=body)
    assert asked.status_code == 202, asked.text
    ids = {run["id"] for run in asked.json()["runs"]}
    await run_burst(settings)
    listed = await http.get(f"{base}/syncs", params={"limit": 200})
    assert listed.status_code == 200, listed.text
    return {run["kind"]: run for run in listed.json()["items"] if run["id"] in ids}


async def all_items(http: AsyncClient, url: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = await http.get(url, params={**params, "limit": 200, "offset": len(items)})
        assert page.status_code == 200, page.text
        body = page.json()
        items.extend(body["items"])
        if len(items) >= body["total"] or not body["items"]:
            return items
