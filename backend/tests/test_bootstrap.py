from __future__ import annotations

import pytest
from agentplatform.tenancy.auth_service import verify_credentials
from agentplatform.tenancy.bootstrap import create_admin
from agentplatform.tenancy.models import Membership, Role, Tenant
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession


async def test_create_admin_is_idempotent(db: AsyncSession) -> None:
    first = await create_admin(
        db, email="boss@example.com", password="s3cret-pass", tenant_name="Acme"
    )
    assert first.created_user
    assert first.created_tenant
    again = await create_admin(
        db, email="BOSS@example.com", password="s3cret-pass", tenant_name="Acme"
    )
    assert (again.user_id, again.tenant_id) == (first.user_id, first.tenant_id)
    assert not again.created_user
    assert not again.created_tenant
    assert not again.password_changed
    assert await db.scalar(select(func.count()).select_from(Tenant)) == 1
    role = await db.scalar(select(Membership.role).where(Membership.user_id == first.user_id))
    assert role is Role.owner

    changed = await create_admin(
        db, email="boss@example.com", password="new-pass-123", tenant_name="Acme"
    )
    assert changed.password_changed
    assert (await verify_credentials(db, "boss@example.com", "new-pass-123")).id == first.user_id


async def test_create_admin_validates_input(db: AsyncSession) -> None:
    with pytest.raises(ValidationError) as info:
        await create_admin(db, email="not-an-email", password="short", tenant_name=" ")
    fields = {e["loc"][0] for e in info.value.errors()}
    assert fields == {"email", "password", "tenant"}
