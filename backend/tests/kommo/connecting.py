"""Connecting a workspace to the simulator through the API, for the connection tests."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.kommo.connection.models import KommoConnection
from agentplatform.kommo.connection.oauth import CALLBACK_PATH
from agentplatform.kommo.simulator import KommoSimulator
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

API = "http://testserver"


def kommo_settings(settings: Settings, tmp_path: Path, kommo: KommoSimulator) -> Settings:
    """The app's settings for the simulator's integration (its Redirect URI is ours)."""
    kommo.oauth.redirect_uri = f"{API}{CALLBACK_PATH}"
    return settings.model_copy(
        update={
            "storage_dir": tmp_path / "storage",
            "public_url": API,
            "kommo_client_id": kommo.oauth.client_id,
            "kommo_client_secret": SecretStr(kommo.oauth.client_secret),
            "kommo_oauth_url": f"{kommo.base_url}/oauth",
            "kommo_allow_loopback": True,
        }
    )


async def consent(kommo: KommoSimulator, client: httpx.AsyncClient, base: str) -> str:
    """Ask for the consent URL, approve it at the simulator: the callback path Kommo sends the
    browser back to (with code, state, referer)."""
    response = await client.get(f"{base}/integrations/kommo/authorize")
    assert response.status_code == 200, response.text
    url = response.json()["url"]
    async with httpx.AsyncClient() as browser:
        approved = await browser.get(url)
    assert approved.status_code == 302, approved.text
    location = approved.headers["location"]
    assert location.startswith(f"{API}{CALLBACK_PATH}?")
    return location.removeprefix(API)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


async def connect_oauth(kommo: KommoSimulator, client: httpx.AsyncClient, base: str) -> None:
    callback = await consent(kommo, client, base)
    response = await client.get(callback)
    assert response.status_code == 303, response.text
    assert "kommo=connected" in response.headers["location"], response.headers["location"]


async def stored_connection(engine: AsyncEngine, tenant_id: uuid.UUID) -> KommoConnection | None:
    async with create_sessionmaker(engine)() as session:
        connection: KommoConnection | None = await session.scalar(
            select(KommoConnection).where(KommoConnection.tenant_id == tenant_id)
        )
        return connection
