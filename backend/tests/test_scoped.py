from __future__ import annotations

import uuid

import pytest
from agentplatform.core.errors import NotFound
from agentplatform.core.pagination import Page, PageParams, paginate
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


async def test_paginate_counts_the_whole_set_in_the_page_query_and_past_the_end(
    db: AsyncSession,
) -> None:
    mine, _ = await _two_tenants_with_a_collection_each(db)
    db.add_all(Collection(tenant_id=mine.tenant_id, name=f"More {n}") for n in range(4))
    await db.flush()
    stmt = scoped(select(Collection), Collection, mine.tenant_id).order_by(Collection.name)

    rows, total = await paginate(db, stmt, PageParams(limit=2, offset=0))
    assert total == 5
    assert [r.name for r in rows] == ["More 0", "More 1"]
    assert all(isinstance(r, Collection) for r in rows)
    rows, total = await paginate(db, stmt, PageParams(limit=2, offset=4))
    assert total == 5
    assert [r.name for r in rows] == ["Pricing"]
    assert await paginate(db, stmt, PageParams(limit=2, offset=9)) == ([], 5)
    assert await paginate(db, stmt.where(Collection.name == "x"), PageParams()) == ([], 0)
    # DISTINCT keeps a count of its own: a window would count the rows before DISTINCT.
    names = select(Collection).where(Collection.tenant_id == mine.tenant_id).distinct()
    assert (await paginate(db, names, PageParams(limit=1)))[1] == 5
