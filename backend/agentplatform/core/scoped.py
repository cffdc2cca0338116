"""The one way services reach a tenant's rows: a select scoped to the tenant, or one row of it.

Another tenant's row is treated exactly like a missing one (a 404, never a 403), so an id reveals
nothing about who owns it.
"""

from __future__ import annotations

import uuid
from typing import ClassVar, Protocol, Self, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from agentplatform.core.errors import NotFound


# ClassVar, so that mypy matches the models' mapped columns (descriptors on the class).
class TenantOwned(Protocol):
    tenant_id: ClassVar[Mapped[uuid.UUID]]


class TenantRow(TenantOwned, Protocol):
    id: ClassVar[Mapped[uuid.UUID]]


class Filterable(Protocol):
    """A select, update or delete statement."""

    def where(self, *whereclause: ColumnElement[bool]) -> Self: ...


OwnedT = TypeVar("OwnedT", bound=TenantOwned)
RowT = TypeVar("RowT", bound=TenantRow)
StmtT = TypeVar("StmtT", bound=Filterable)


def scoped(stmt: StmtT, model: type[TenantOwned], tenant_id: uuid.UUID) -> StmtT:
    """`stmt` limited to the tenant's rows of `model`: `scoped(select(Agent), Agent, tenant_id)`,
    `scoped(update(Document), Document, tenant_id)`."""
    return stmt.where(model.tenant_id == tenant_id)


def _one(
    model: type[OwnedT], tenant_id: uuid.UUID, criteria: tuple[ColumnElement[bool], ...], lock: bool
) -> Select[OwnedT]:
    stmt = scoped(select(model), model, tenant_id).where(*criteria)
    return stmt.with_for_update() if lock else stmt


async def find_scoped(
    session: AsyncSession,
    model: type[RowT],
    tenant_id: uuid.UUID,
    row_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> RowT | None:
    """The tenant's row with this id; None when it is missing or another tenant's."""
    return await session.scalar(_one(model, tenant_id, (model.id == row_id,), for_update))


async def get_scoped_where(
    session: AsyncSession,
    model: type[OwnedT],
    tenant_id: uuid.UUID,
    not_found: str,
    *criteria: ColumnElement[bool],
    for_update: bool = False,
) -> OwnedT:
    """The tenant's row of `model` that meets `criteria`, or `NotFound(not_found)`."""
    row = await session.scalar(_one(model, tenant_id, criteria, for_update))
    if row is None:
        raise NotFound(not_found)
    return row


async def get_scoped(
    session: AsyncSession,
    model: type[RowT],
    tenant_id: uuid.UUID,
    row_id: uuid.UUID,
    not_found: str,
    *,
    for_update: bool = False,
) -> RowT:
    """The tenant's row with this id, or `NotFound(not_found)` when it is missing or another
    tenant's: `await get_scoped(session, Document, tenant_id, document_id, "Document not found")`.
    """
    return await get_scoped_where(
        session, model, tenant_id, not_found, model.id == row_id, for_update=for_update
    )
