"""Plain async factory functions for tests (no hidden fixture state)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from agentplatform.core.security import hash_password
from agentplatform.tenancy.models import Membership, Role, Tenant, User
from agentplatform.tenancy.schemas import TenantCreate
from agentplatform.tenancy.tenants_service import create_tenant as create_tenant_service
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

PASSWORD = "correct horse battery staple"
# argon2 is slow on purpose; hash the shared test password once.
_PASSWORD_HASH = hash_password(PASSWORD)


async def create_user(session: AsyncSession, email: str | None = None, name: str = "") -> User:
    user = User(
        email=email or f"user-{secrets.token_hex(4)}@example.com",
        name=name,
        password_hash=_PASSWORD_HASH,
    )
    session.add(user)
    await session.flush()
    return user


async def create_tenant(session: AsyncSession, owner: User, name: str | None = None) -> Tenant:
    return await create_tenant_service(
        session, TenantCreate(name=name or f"Tenant {secrets.token_hex(3)}"), owner_id=owner.id
    )


async def add_member(
    session: AsyncSession, tenant: Tenant | TenantSnapshot, user: User, role: Role
) -> Membership:
    membership = Membership(tenant_id=tenant.id, user_id=user.id, role=role)
    session.add(membership)
    await session.flush()
    return membership


@dataclass(frozen=True)
class UserSnapshot:
    id: uuid.UUID
    email: str


@dataclass(frozen=True)
class TenantSnapshot:
    id: uuid.UUID
    name: str
    slug: str


@dataclass(frozen=True)
class Actor:
    """Plain values: a rolled-back request expires ORM objects in the shared test session."""

    user: UserSnapshot
    tenant: TenantSnapshot


async def create_owner(session: AsyncSession) -> Actor:
    user = await create_user(session)
    tenant = await create_tenant(session, user)
    await session.commit()
    return Actor(
        user=UserSnapshot(id=user.id, email=user.email),
        tenant=TenantSnapshot(id=tenant.id, name=tenant.name, slug=tenant.slug),
    )


async def login(client: AsyncClient, email: str, password: str = PASSWORD) -> None:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text


async def signed_in_workspace(client: AsyncClient, engine: AsyncEngine) -> tuple[str, uuid.UUID]:
    """A new owner and workspace, committed, with `client` signed in: (API base, tenant id)."""
    from agentplatform.core.db import create_sessionmaker

    async with create_sessionmaker(engine)() as session:
        owner = await create_owner(session)
    await login(client, owner.user.email)
    return f"/api/v1/tenants/{owner.tenant.id}", owner.tenant.id


async def create_agent_via_api(client: AsyncClient, base: str, **extra: Any) -> dict[str, Any]:
    response = await client.post(f"{base}/agents", json={"name": "Ana"} | extra)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def add_compatible_provider(client: AsyncClient, base: str, base_url: str, key: str) -> str:
    """An OpenAI-compatible provider of the workspace (e.g. the local simulator); its id."""
    response = await client.post(
        f"{base}/ai/providers",
        json={"name": "Local vLLM", "kind": "compatible", "base_url": base_url, "api_key": key},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])
