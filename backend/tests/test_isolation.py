"""Every route under /api/v1/tenants/{tenant_id} is isolated, found from the OpenAPI schema.

Routes added later are covered without editing this file.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from agentplatform.agents.schemas import AgentConfig
from agentplatform.agents.service import create_agent
from agentplatform.ai.llm import ProviderKind
from agentplatform.ai.providers_service import create_provider
from agentplatform.ai.schemas import ProviderCreate
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.models import Document, DocumentStatus, SourceKind
from agentplatform.knowledge.graph.models import Entity, EntityType, Extraction, Mention
from agentplatform.knowledge.index.models import Chunk
from agentplatform.tenancy.api_keys_service import create_api_key
from agentplatform.tenancy.members_service import create_invitation
from agentplatform.tenancy.models import Membership, Role
from agentplatform.tenancy.schemas import ApiKeyCreate, InvitationCreate
from agentplatform.tenancy.scopes import api_key_grantable
from fastapi import FastAPI
from fastapi.routing import APIRoute
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_owner, login

TENANT_PREFIX = "/api/v1/tenants/{tenant_id}"
METHODS = ("get", "post", "put", "patch", "delete")


def tenant_operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    schema = app.openapi()
    ops = []
    for path, item in schema["paths"].items():
        if path == TENANT_PREFIX or path.startswith(TENANT_PREFIX + "/"):
            for method in METHODS:
                if method in item:
                    ops.append((method.upper(), path, item[method]))
    return ops


def fill(path: str, tenant_id: uuid.UUID, known: dict[str, str]) -> str:
    out = path.replace("{tenant_id}", str(tenant_id))
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        name = out[start + 1 : end]
        out = out[:start] + known.get(name, str(uuid.uuid4())) + out[end + 1 :]
    return out


async def send(client: AsyncClient, method: str, url: str, **kwargs: Any) -> int:
    body = {} if method in {"POST", "PUT", "PATCH"} else None
    response = await client.request(method, url, json=body, **kwargs)
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json", url
    return response.status_code


async def other_tenant_ids(db: AsyncSession) -> tuple[Any, dict[str, str]]:
    """Tenant B with real rows, so a route that skipped the tenant check would find them."""
    b = await create_owner(db)
    key, _ = await create_api_key(
        db,
        b.tenant.id,
        ApiKeyCreate(name="b", scopes=sorted(api_key_grantable())),
        b.user.id,
        settings=Settings(),
    )
    invitation, _ = await create_invitation(
        db,
        b.tenant.id,
        InvitationCreate(email="someone@example.com"),
        actor_role=Role.owner,
        invited_by=b.user.id,
        settings=Settings(),
    )
    membership = await db.scalar(select(Membership).where(Membership.tenant_id == b.tenant.id))
    assert membership is not None
    provider = await create_provider(
        db,
        b.tenant.id,
        ProviderCreate(name="b", kind=ProviderKind.compatible, base_url="http://127.0.0.1:9/v1"),
        Settings(),
    )
    agent = await create_agent(db, b.tenant.id, AgentConfig(name="b"), actor="test")
    document, entity = await _knowledge_rows(db, b.tenant.id)
    await db.commit()
    known = {
        "membership_id": str(membership.id),
        "api_key_id": str(key.id),
        "invitation_id": str(invitation.id),
        "key": "api_keys",
        "agent_id": str(agent.id),
        "provider_id": str(provider.id),
        "version": "1",
        "document_id": str(document),
        "entity_id": str(entity),
    }
    return b, known


async def _knowledge_rows(db: AsyncSession, tenant_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    """A document with a chunk and a graph entity mentioned in it."""
    document = Document(
        tenant_id=tenant_id,
        title="b",
        source_kind=SourceKind.text,
        content_type="text",
        size_bytes=1,
        sha256="b" * 64,
        storage_key="b",
        status=DocumentStatus.ready,
        chunk_count=1,
    )
    db.add(document)
    await db.flush()
    chunk = Chunk(tenant_id=tenant_id, document_id=document.id, index=0, text="B", token_count=1)
    entity = Entity(tenant_id=tenant_id, type=EntityType.other, key="b", name="B")
    db.add_all([chunk, entity])
    await db.flush()
    db.add_all(
        [
            Mention(
                tenant_id=tenant_id,
                entity_id=entity.id,
                document_id=document.id,
                chunk_id=chunk.id,
                count=1,
            ),
            Extraction(document_id=document.id, tenant_id=tenant_id),
        ]
    )
    await db.flush()
    return document.id, entity.id


def test_there_are_tenant_routes_to_check(app: FastAPI) -> None:
    assert len(tenant_operations(app)) >= 10


def test_every_tenant_route_goes_through_the_tenant_dependency(app: FastAPI) -> None:
    def names(dependant: Any) -> set[str]:
        found = {getattr(dependant.call, "__name__", "")}
        for sub in dependant.dependencies:
            found |= names(sub)
        return found

    for route in app.routes:
        if isinstance(route, APIRoute) and route.path.startswith(TENANT_PREFIX):
            assert any(n.startswith("tenant_access_") for n in names(route.dependant)), route.path


async def test_member_of_another_tenant_gets_404_everywhere(
    app: FastAPI, client: AsyncClient, db: AsyncSession
) -> None:
    a = await create_owner(db)
    b, known = await other_tenant_ids(db)
    await login(client, a.user.email)
    failures = []
    for method, path, _ in tenant_operations(app):
        status = await send(client, method, fill(path, b.tenant.id, known))
        if status != 404:
            failures.append((method, path, status))
    assert failures == []


async def test_api_key_of_another_tenant_gets_404_everywhere(
    app: FastAPI, client: AsyncClient, db: AsyncSession
) -> None:
    a = await create_owner(db)
    _, key = await create_api_key(
        db,
        a.tenant.id,
        ApiKeyCreate(name="a", scopes=sorted(api_key_grantable())),
        a.user.id,
        settings=Settings(),
    )
    b, known = await other_tenant_ids(db)
    headers = {"Authorization": f"Bearer {key}"}
    failures = []
    for method, path, _ in tenant_operations(app):
        status = await send(client, method, fill(path, b.tenant.id, known), headers=headers)
        if status != 404:
            failures.append((method, path, status))
    assert failures == []


@pytest.mark.parametrize("tenant", ["existing", "random"])
async def test_unauthenticated_gets_401_everywhere(
    app: FastAPI, client_factory: Callable[[], AsyncClient], db: AsyncSession, tenant: str
) -> None:
    a = await create_owner(db)
    tenant_id = a.tenant.id if tenant == "existing" else uuid.uuid4()
    anonymous = client_factory()
    failures = []
    for method, path, _ in tenant_operations(app):
        status = await send(anonymous, method, fill(path, tenant_id, {}))
        if status != 401:
            failures.append((method, path, status))
    assert failures == []


async def test_own_tenant_routes_never_fail_with_a_server_error(
    app: FastAPI, client: AsyncClient, db: AsyncSession
) -> None:
    a = await create_owner(db)
    await login(client, a.user.email)
    for method, path, _ in tenant_operations(app):
        status = await send(client, method, fill(path, a.tenant.id, {"key": "api_keys"}))
        assert status < 500, (method, path, status)
