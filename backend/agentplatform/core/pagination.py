"""Offset pagination, the same on every list route: `?limit=&offset=` in, `Page[T]` out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Generic, Self, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession


class PageParams(BaseModel):
    limit: int = 50
    offset: int = 0


async def page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, description="Items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, items: Sequence[T], total: int, params: PageParams) -> Self:
        """`Page[AgentRead].of(items, total, page)`: one page of a list route's answer."""
        return cls(items=list(items), total=total, limit=params.limit, offset=params.offset)


async def paginate(
    session: AsyncSession, stmt: Select[Any], params: PageParams
) -> tuple[list[Any], int]:
    """Rows of one page (scalars of the statement's first entity) and the total count.

    One query: the page with `count(*) OVER ()` beside each row (the count of the whole filtered
    set, computed before LIMIT). Only a page past the end, which has no row to carry the count,
    asks for it separately. Statements whose rows a window would count differently than their
    results (DISTINCT, GROUP BY, eager-loading options) keep the separate count.
    """
    if stmt._distinct or stmt._group_by_clauses or stmt._with_options:
        return await _paginate_with_count(session, stmt, params)
    window = stmt.add_columns(func.count().over()).limit(params.limit).offset(params.offset)
    rows = (await session.execute(window)).all()
    if rows:
        return [row[0] for row in rows], int(rows[0][-1])
    if params.offset == 0:
        return [], 0
    return [], await _count(session, stmt)


async def _count(session: AsyncSession, stmt: Select[Any]) -> int:
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return int(total or 0)


async def _paginate_with_count(
    session: AsyncSession, stmt: Select[Any], params: PageParams
) -> tuple[list[Any], int]:
    total = await _count(session, stmt)
    rows = await session.scalars(stmt.limit(params.limit).offset(params.offset))
    return list(rows), total
