"""Writing what Kommo said: rows upserted by (tenant, Kommo id), the ones gone from Kommo deleted.

Every string from Kommo is made storable (no NUL, within the column) before it is written:
a name PostgreSQL cannot hold must not fail the whole sync.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.scoped import TenantOwned, scoped
from agentplatform.core.text.storable import strip_unstorable
from agentplatform.kommo.client.models import CustomField, Pipeline, Source, User
from agentplatform.kommo.sync.models import (
    FieldEntity,
    KommoCustomField,
    KommoPipeline,
    KommoSource,
    KommoStatus,
    KommoUser,
)

Row = TypeVar("Row", KommoPipeline, KommoStatus, KommoCustomField, KommoUser, KommoSource)
Values = dict[str, Any]

# The rights a person or a rule needs to see about a Kommo user.
RIGHTS_KEPT = (
    "is_admin",
    "is_free",
    "is_active",
    "group_id",
    "role_id",
    "leads",
    "contacts",
    "companies",
    "tasks",
    "status_rights",
)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.created + other.created,
            self.updated + other.updated,
            self.deleted + other.deleted,
        )


def text(value: str | None, limit: int = 255) -> str | None:
    return None if value is None else strip_unstorable(value)[:limit]


def name(value: str | None, limit: int = 255) -> str:
    return text(value, limit) or ""


def clean(value: Any) -> Any:
    """A JSON value with every string (and key) made storable in JSONB."""
    if isinstance(value, str):
        return strip_unstorable(value)
    if isinstance(value, Mapping):
        return {strip_unstorable(str(k)): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


async def upsert(
    session: AsyncSession,
    model: type[Row],
    tenant_id: uuid.UUID,
    key: Callable[[Row], Hashable],
    incoming: Mapping[Hashable, Values],
) -> tuple[Counts, list[Row]]:
    """Creates and updates the tenant's rows of `model` to match `incoming` (by `key`); returns
    the counts and the rows Kommo no longer has (the caller deletes them, see `delete_rows`)."""
    tenant_model: type[TenantOwned] = model
    existing = {
        key(row): row
        for row in await session.scalars(scoped(select(model), tenant_model, tenant_id))
    }
    counts = Counts()
    for item_key, values in incoming.items():
        row = existing.pop(item_key, None)
        if row is None:
            session.add(model(tenant_id=tenant_id, **values))
            counts.created += 1
        elif any(getattr(row, column) != value for column, value in values.items()):
            for column, value in values.items():
                setattr(row, column, value)
            counts.updated += 1
    await session.flush()
    return counts, list(existing.values())


async def delete_rows(session: AsyncSession, model: type[Row], rows: list[Row]) -> int:
    if rows:
        await session.execute(delete(model).where(model.id.in_([row.id for row in rows])))
    return len(rows)


# --- by kind ---------------------------------------------------------------------------------


async def store_pipelines(
    session: AsyncSession, tenant_id: uuid.UUID, pipelines: list[Pipeline]
) -> Counts:
    """Pipelines and their statuses (a pipeline gone takes its statuses with it)."""
    counts, gone = await upsert(
        session,
        KommoPipeline,
        tenant_id,
        lambda row: row.kommo_id,
        {
            p.id: {
                "kommo_id": p.id,
                "name": name(p.name),
                "sort": p.sort or 0,
                "is_main": p.is_main,
                "is_archive": p.is_archive,
                "is_unsorted_on": bool(p.is_unsorted_on),
            }
            for p in pipelines
        },
    )
    found = await session.execute(
        scoped(select(KommoPipeline.kommo_id, KommoPipeline.id), KommoPipeline, tenant_id)
    )
    row_ids = {kommo_id: row_id for kommo_id, row_id in found.all()}
    status_counts, gone_statuses = await upsert(
        session,
        KommoStatus,
        tenant_id,
        lambda row: (row.kommo_pipeline_id, row.kommo_id),
        {
            (p.id, s.id): {
                "pipeline_id": row_ids[p.id],
                "kommo_pipeline_id": p.id,
                "kommo_id": s.id,
                "name": name(s.name),
                "sort": s.sort or 0,
                "color": text(s.color, 32),
                "type": s.type,
                "is_editable": s.is_editable is not False,
            }
            for p in pipelines
            for s in p.embedded.statuses
        },
    )
    status_counts.deleted = await delete_rows(session, KommoStatus, gone_statuses)
    counts.deleted = await delete_rows(session, KommoPipeline, gone)
    return counts + status_counts


async def store_custom_fields(
    session: AsyncSession, tenant_id: uuid.UUID, fields: list[tuple[FieldEntity, CustomField]]
) -> Counts:
    counts, gone = await upsert(
        session,
        KommoCustomField,
        tenant_id,
        lambda row: row.kommo_id,
        {
            f.id: {
                "kommo_id": f.id,
                "entity_type": entity,
                "name": name(f.name),
                "type": name(f.type, 64),
                "code": text(f.code),
                "sort": f.sort or 0,
                "is_api_only": bool(f.is_api_only),
                "is_predefined": bool(f.is_predefined),
                "is_deletable": f.is_deletable is not False,
                "group_id": text(f.group_id),
                "enums": None
                if f.enums is None
                else [clean(e.model_dump(include={"id", "value", "sort"})) for e in f.enums],
            }
            for entity, f in fields
        },
    )
    counts.deleted = await delete_rows(session, KommoCustomField, gone)
    return counts


def rights_summary(rights: Mapping[str, Any] | None) -> Values:
    return {strip_unstorable(k): clean(v) for k, v in (rights or {}).items() if k in RIGHTS_KEPT}


async def store_users(session: AsyncSession, tenant_id: uuid.UUID, users: list[User]) -> Counts:
    counts, gone = await upsert(
        session,
        KommoUser,
        tenant_id,
        lambda row: row.kommo_id,
        {
            u.id: {
                "kommo_id": u.id,
                "name": name(u.name),
                "email": text(u.email, 320),
                "lang": text(u.lang, 16),
                "amojo_id": text(u.amojo_id, 64),
                "is_admin": bool((u.rights or {}).get("is_admin")),
                "is_active": (u.rights or {}).get("is_active") is not False,
                "rights": rights_summary(u.rights),
            }
            for u in users
        },
    )
    counts.deleted = await delete_rows(session, KommoUser, gone)
    return counts


async def store_sources(
    session: AsyncSession, tenant_id: uuid.UUID, sources: list[Source]
) -> Counts:
    counts, gone = await upsert(
        session,
        KommoSource,
        tenant_id,
        lambda row: row.kommo_id,
        {
            s.id: {
                "kommo_id": s.id,
                "name": name(s.name),
                "external_id": name(s.external_id),
                "kommo_pipeline_id": s.pipeline_id,
                "is_default": bool(s.default),
                "origin_code": text(s.origin_code),
                "services": clean(s.services or []),
            }
            for s in sources
        },
    )
    counts.deleted = await delete_rows(session, KommoSource, gone)
    return counts
