"""A document's graph into the tables: its relations and mentions replaced whole, entities shared.

Called inside the one transaction that finishes an extraction, so a document never has half a
graph and extracting again never duplicates a row. Entities are upserted in a fixed order (type,
then key) with a row lock, so two documents of a tenant written at once wait for each other
instead of deadlocking, and an entity this document no longer mentions is deleted only if no other
document mentions it and nobody is writing it right now (SKIP LOCKED).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, delete, exists, func, insert, select, union
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.db import utcnow
from agentplatform.core.scoped import scoped
from agentplatform.knowledge.graph.extraction import EntityRef, GraphDraft
from agentplatform.knowledge.graph.models import Entity, Mention, Relation

UPSERT_BATCH = 500
ORPHAN_BATCH = 500


@dataclass(frozen=True)
class StoredCounts:
    entities: int
    relations: int
    mentions: int


async def _upsert_entities(
    session: AsyncSession, tenant_id: uuid.UUID, draft: GraphDraft
) -> dict[EntityRef, uuid.UUID]:
    ids: dict[EntityRef, uuid.UUID] = {}
    entities = sorted(draft.entities, key=lambda e: e.ref)
    now = utcnow()
    for start in range(0, len(entities), UPSERT_BATCH):
        batch = entities[start : start + UPSERT_BATCH]
        values = pg_insert(Entity).values(
            [
                {
                    "id": uuid.uuid4(),
                    "tenant_id": tenant_id,
                    "type": e.ref.type,
                    "key": e.ref.key,
                    "name": e.name,
                    "description": e.description,
                    "created_at": now,
                    "updated_at": now,
                }
                for e in batch
            ]
        )
        stmt = values.on_conflict_do_update(
            index_elements=[Entity.tenant_id, Entity.key, Entity.type],
            set_={
                "updated_at": now,
                # The longer description wins; the first name seen stays.
                "description": case(
                    (
                        func.length(values.excluded.description) > func.length(Entity.description),
                        values.excluded.description,
                    ),
                    else_=Entity.description,
                ),
            },
        ).returning(Entity.id, Entity.type, Entity.key)
        for row in await session.execute(stmt):
            ids[EntityRef(row.type, row.key)] = row.id
    return ids


async def _referenced_entities(session: AsyncSession, document_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.scalars(
        union(
            select(Mention.entity_id).where(Mention.document_id == document_id),
            select(Relation.subject_id).where(Relation.document_id == document_id),
            select(Relation.object_id).where(
                Relation.document_id == document_id, Relation.object_id.is_not(None)
            ),
        )
    )
    return sorted(rows)


async def delete_orphans(
    session: AsyncSession,
    tenant_id: uuid.UUID | None,
    candidates: Sequence[uuid.UUID] | None = None,
) -> int:
    """Deletes entities that no document mentions (among `candidates`, else any of the tenant's
    or, with no tenant, anyone's; at most `ORPHAN_BATCH`), skipping rows that another transaction
    holds (a document being written that mentions them)."""
    orphan = (
        select(Entity.id)
        .where(~exists().where(Mention.entity_id == Entity.id))
        .order_by(Entity.id)
        .limit(ORPHAN_BATCH)
        .with_for_update(skip_locked=True)
    )
    if tenant_id is not None:
        orphan = scoped(orphan, Entity, tenant_id)
    if candidates is not None:
        if not candidates:
            return 0
        orphan = orphan.where(Entity.id.in_(candidates))
    ids = list(await session.scalars(orphan))
    if ids:
        await session.execute(delete(Entity).where(Entity.id.in_(ids)))
    return len(ids)


async def replace_document_graph(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    document_id: uuid.UUID,
    draft: GraphDraft,
    chunk_ids: Sequence[uuid.UUID | None],
) -> StoredCounts:
    """The document's relations and mentions become the draft's (`chunk_ids[position]` is the
    chunk a draft position stands for; None if it is gone)."""
    previous = await _referenced_entities(session, document_id)
    await session.execute(delete(Relation).where(Relation.document_id == document_id))
    await session.execute(delete(Mention).where(Mention.document_id == document_id))
    ids = await _upsert_entities(session, tenant_id, draft)
    mentions = [
        {
            "id": uuid.uuid4(),
            "tenant_id": tenant_id,
            "entity_id": ids[m.entity],
            "document_id": document_id,
            "chunk_id": chunk_ids[m.chunk],
            "count": m.count,
        }
        for m in draft.mentions
        if m.entity in ids
    ]
    relations = [
        {
            "id": uuid.uuid4(),
            "tenant_id": tenant_id,
            "document_id": document_id,
            "chunk_id": chunk_ids[r.chunk],
            "subject_id": ids[r.subject],
            "predicate": r.predicate,
            "object_id": ids[r.object] if r.object is not None else None,
            "object_value": r.value if r.object is None else None,
            "confidence": r.confidence,
        }
        for r in draft.relations
        if r.subject in ids and (r.object is None or r.object in ids)
    ]
    if mentions:
        await session.execute(insert(Mention), mentions)
    if relations:
        await session.execute(insert(Relation), relations)
    await delete_orphans(session, tenant_id, [e for e in previous if e not in ids.values()])
    return StoredCounts(
        entities=len({m["entity_id"] for m in mentions}),
        relations=len(relations),
        mentions=len(mentions),
    )
