from __future__ import annotations

import uuid

import pytest
from agentplatform.core.errors import NotFound
from agentplatform.core.pagination import Page, PageParams
from agentplatform.core.scoped import find_scoped, get_scoped, get_scoped_where, scoped
from agentplatform.knowledge.documents.models import Collection
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_tenant, create_user


async def _two_tenants_with_a_collection_each(
    session: AsyncSession,
) -> tuple[Collection, Collection]:
    owner = await create_user(session)
    ours, theirs = (await create_tenant(session, owner), await create_tenant(session, owner))
    mine = Collection(tenant_id=ours.id, name="Pricing")
    other = Collection(tenant_id=theirs.id, name="Pricing")
    session.add_all([mine, other])
    await session.flush()
    return mine, other


async def test_get_scoped_returns_the_tenants_row(db: AsyncSession) -> None:
    mine, _ = await _two_tenants_with_a_collection_each(db)
    found = await get_scoped(db, Collection, mine.tenant_id, mine.id, "Collection not found")
    assert found is mine
    locked = await get_scoped(db, Collection, mine.tenant_id, mine.id, "x", for_update=True)
    assert locked is mine


@pytest.mark.parametrize("whose", ["another tenant's", "missing"])
async def test_get_scoped_is_a_404_for_another_tenants_id_and_a_missing_one(
    db: AsyncSession, whose: str
) -> None:
    mine, other = await _two_tenants_with_a_collection_each(db)
    row_id = other.id if whose == "another tenant's" else uuid.uuid4()
    with pytest.raises(NotFound) as raised:
        await get_scoped(db, Collection, mine.tenant_id, row_id, "Collection not found")
    assert raised.value.detail == "Collection not found"
    assert raised.value.type_uri() == "urn:agentplatform:problem:not-found"
    assert await find_scoped(db, Collection, mine.tenant_id, row_id) is None


async def test_get_scoped_where_adds_criteria_to_the_tenant_scope(db: AsyncSession) -> None:
    mine, other = await _two_tenants_with_a_collection_each(db)
    by_name = Collection.name == "Pricing"
    assert await get_scoped_where(db, Collection, mine.tenant_id, "x", by_name) is mine
    with pytest.raises(NotFound, match="No such name"):
        await get_scoped_where(
            db, Collection, other.tenant_id, "No such name", Collection.name == "Returns"
        )


async def test_scoped_selects_only_the_tenants_rows(db: AsyncSession) -> None:
    mine, _ = await _two_tenants_with_a_collection_each(db)
    count = scoped(select(func.count()).select_from(Collection), Collection, mine.tenant_id)
    assert await db.scalar(count) == 1
    ids = await db.scalars(scoped(select(Collection.id), Collection, mine.tenant_id))
    assert list(ids) == [mine.id]


def test_page_of_carries_the_requested_window() -> None:
    page = Page[int].of([3, 4], 10, PageParams(limit=2, offset=2))
    assert page.model_dump() == {"items": [3, 4], "total": 10, "limit": 2, "offset": 2}


async def test_scoped_updates_only_the_tenants_rows(db: AsyncSession) -> None:
    mine, other = await _two_tenants_with_a_collection_each(db)
    await db.execute(
        scoped(update(Collection), Collection, mine.tenant_id).values(description="ours")
    )
    await db.refresh(mine)
    await db.refresh(other)
    assert (mine.description, other.description) == ("ours", "")
