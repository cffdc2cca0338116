"""The first admin: a user who owns a tenant, created idempotently from the CLI."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.security import hash_password, verify_password
from agentplatform.tenancy.auth_service import find_user_by_email
from agentplatform.tenancy.models import Membership, Role, Tenant, User
from agentplatform.tenancy.schemas import Name, Password, TenantCreate
from agentplatform.tenancy.tenants_service import create_tenant


@dataclass(frozen=True)
class AdminResult:
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    created_user: bool
    created_tenant: bool
    password_changed: bool


def validate_admin_input(email: str, password: str, tenant_name: str) -> tuple[str, str, str]:
    """Raises pydantic.ValidationError with the field at fault."""
    from pydantic import BaseModel, EmailStr

    class AdminInput(BaseModel):
        email: EmailStr
        password: Password
        tenant: Name

    data = AdminInput(email=email, password=password, tenant=tenant_name.strip())
    return str(data.email), data.password, data.tenant


async def create_admin(
    session: AsyncSession, *, email: str, password: str, tenant_name: str
) -> AdminResult:
    email, password, tenant_name = validate_admin_input(email, password, tenant_name)
    user = await find_user_by_email(session, email)
    created_user = user is None
    password_changed = False
    if user is None:
        user = User(email=email, name="", password_hash=hash_password(password))
        session.add(user)
        await session.flush()
    elif not verify_password(user.password_hash, password):
        user.password_hash = hash_password(password)
        password_changed = True
    user.is_active = True

    tenant = await session.scalar(
        select(Tenant)
        .join(Membership, Membership.tenant_id == Tenant.id)
        .where(
            Tenant.name == tenant_name, Membership.user_id == user.id, Membership.role == Role.owner
        )
        .order_by(Tenant.created_at)
    )
    created_tenant = tenant is None
    if tenant is None:
        tenant = await create_tenant(session, TenantCreate(name=tenant_name), owner_id=user.id)
    return AdminResult(
        user_id=user.id,
        tenant_id=tenant.id,
        created_user=created_user,
        created_tenant=created_tenant,
        password_changed=password_changed,
    )
