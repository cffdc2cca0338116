"""Tenants (workspaces): creation with an owner, listing a user's tenants, workspace settings."""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.errors import Conflict, FieldError, NotFound
from agentplatform.tenancy.models import Membership, Role, Tenant
from agentplatform.tenancy.schemas import TenantCreate, TenantMembershipRead, TenantUpdate


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50].strip("-")
    return slug or "workspace"


async def _slug_taken(session: AsyncSession, slug: str, exclude: uuid.UUID | None = None) -> bool:
    stmt = select(Tenant.id).where(Tenant.slug == slug)
    if exclude is not None:
        stmt = stmt.where(Tenant.id != exclude)
    return (await session.scalar(stmt)) is not None


async def _free_slug(session: AsyncSession, base: str) -> str:
    if not await _slug_taken(session, base):
        return base
    for _ in range(20):
        candidate = f"{base}-{secrets.token_hex(3)}"
        if not await _slug_taken(session, candidate):
            return candidate
    raise Conflict("Could not find a free slug; choose one")


def _slug_conflict(slug: str) -> Conflict:
    return Conflict(
        f"The slug '{slug}' is taken",
        errors=[FieldError.at("body.slug", "taken", "taken")],
    )


async def create_tenant(session: AsyncSession, data: TenantCreate, owner_id: uuid.UUID) -> Tenant:
    if data.slug is not None:
        if await _slug_taken(session, data.slug):
            raise _slug_conflict(data.slug)
        slug = data.slug
    else:
        slug = await _free_slug(session, slugify(data.name))
    tenant = Tenant(name=data.name, slug=slug, timezone=data.timezone, locale=data.locale)
    session.add(tenant)
    await session.flush()
    session.add(Membership(tenant_id=tenant.id, user_id=owner_id, role=Role.owner))
    await session.flush()
    return tenant


async def update_tenant(session: AsyncSession, tenant_id: uuid.UUID, data: TenantUpdate) -> Tenant:
    tenant = await session.get(Tenant, tenant_id, with_for_update=True)
    if tenant is None:
        raise NotFound("Tenant not found")
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None:
            continue
        if (
            field == "slug"
            and value != tenant.slug
            and await _slug_taken(session, value, tenant.id)
        ):
            raise _slug_conflict(value)
        setattr(tenant, field, value)
    await session.flush()
    return tenant


async def tenants_of_user(session: AsyncSession, user_id: uuid.UUID) -> list[TenantMembershipRead]:
    rows = await session.execute(
        select(Tenant, Membership.role)
        .join(Membership, Membership.tenant_id == Tenant.id)
        .where(Membership.user_id == user_id)
        .order_by(Tenant.name, Tenant.id)
    )
    return [TenantMembershipRead(id=t.id, name=t.name, slug=t.slug, role=role) for t, role in rows]


async def tenant_by_id(session: AsyncSession, tenant_id: uuid.UUID) -> Tenant | None:
    return await session.get(Tenant, tenant_id)
