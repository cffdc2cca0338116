"""Reading the knowledge graph: entities by name, one entity with its facts and sources, and the
facts about a set of names (for the context builder).

Only entities some document still mentions are shown; the others wait for the sweeper to delete
them (a deleted document takes its mentions and relations with it at once).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, distinct, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from agentplatform.core.db import escape_like
from agentplatform.core.pagination import PageParams
from agentplatform.core.scoped import get_scoped_where, scoped
from agentplatform.knowledge.documents.models import Document
from agentplatform.knowledge.graph.extraction import name_key, predicate_label
from agentplatform.knowledge.graph.models import Entity, EntityType, Mention, Relation
from agentplatform.knowledge.graph.schemas import (
    ChunkMention,
    EntityDetail,
    EntityLink,
    EntityRead,
    EntitySource,
    RelationRead,
)
from agentplatform.knowledge.index.models import Chunk

MAX_RELATIONS_EACH_WAY = 200
COOCCURRENCE = "mentioned_with"


def fact_text(subject: str, predicate: str, obj: str) -> str:
    return f"{subject} — {predicate_label(predicate)} → {obj}"


def _mention_totals(tenant_id: uuid.UUID) -> Any:
    totals = select(
        Mention.entity_id,
        func.sum(Mention.count).label("mentions"),
        func.count(distinct(Mention.document_id)).label("documents"),
    )
    return scoped(totals, Mention, tenant_id).group_by(Mention.entity_id).subquery()


def _entity_read(entity: Entity, mentions: int, documents: int) -> EntityRead:
    return EntityRead(
        id=entity.id,
        name=entity.name,
        type=entity.type,
        description=entity.description,
        mention_count=int(mentions),
        document_count=int(documents),
    )


async def list_entities(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    params: PageParams,
    *,
    q: str | None = None,
    type_: EntityType | None = None,
) -> tuple[list[EntityRead], int]:
    """Entities whose name contains `q` (names starting with it first), then the most mentioned."""
    totals = _mention_totals(tenant_id)
    stmt = (
        select(Entity, totals.c.mentions, totals.c.documents)
        .join(totals, totals.c.entity_id == Entity.id)
        .where(Entity.tenant_id == tenant_id)
    )
    order: list[Any] = []
    if q:
        like = escape_like(q.strip())
        stmt = stmt.where(
            or_(
                Entity.name.ilike(f"%{like}%", escape="\\"),
                Entity.key.like(f"{escape_like(name_key(q))}%", escape="\\"),
            )
        )
        order.append(case((Entity.name.ilike(f"{like}%", escape="\\"), 0), else_=1))
    if type_ is not None:
        stmt = stmt.where(Entity.type == type_)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await session.execute(
        stmt.order_by(*order, totals.c.mentions.desc(), Entity.name, Entity.id)
        .limit(params.limit)
        .offset(params.offset)
    )
    return [_entity_read(*row) for row in rows], int(total or 0)


async def _relations(
    session: AsyncSession, tenant_id: uuid.UUID, entity_id: uuid.UUID, *, outgoing: bool
) -> list[RelationRead]:
    subject, obj = aliased(Entity), aliased(Entity)
    side = Relation.subject_id if outgoing else Relation.object_id
    rows = await session.execute(
        select(Relation, subject, obj, Document.title)
        .join(subject, subject.id == Relation.subject_id)
        .outerjoin(obj, obj.id == Relation.object_id)
        .join(Document, Document.id == Relation.document_id)
        .where(Relation.tenant_id == tenant_id, side == entity_id)
        .order_by(
            (Relation.predicate == COOCCURRENCE),
            Relation.confidence.desc(),
            Relation.predicate,
            Document.title,
            Relation.id,
        )
        .limit(MAX_RELATIONS_EACH_WAY)
    )
    out = []
    for relation, subject_row, object_row, title in rows:
        other = object_row.name if object_row is not None else relation.object_value or ""
        out.append(
            RelationRead(
                id=relation.id,
                direction="outgoing" if outgoing else "incoming",
                predicate=relation.predicate,
                subject=EntityLink.model_validate(subject_row),
                object=EntityLink.model_validate(object_row) if object_row is not None else None,
                value=relation.object_value,
                text=fact_text(subject_row.name, relation.predicate, other),
                confidence=relation.confidence,
                document_id=relation.document_id,
                document_title=title,
                chunk_id=relation.chunk_id,
            )
        )
    return out


async def get_entity(
    session: AsyncSession, tenant_id: uuid.UUID, entity_id: uuid.UUID
) -> EntityDetail:
    mentioned = exists().where(Mention.entity_id == Entity.id)  # else it waits for the sweeper
    entity = await get_scoped_where(
        session, Entity, tenant_id, "Entity not found", Entity.id == entity_id, mentioned
    )
    mentions = await session.execute(
        select(Mention.document_id, Document.title, Mention.chunk_id, Chunk.index, Mention.count)
        .join(Document, Document.id == Mention.document_id)
        .outerjoin(Chunk, Chunk.id == Mention.chunk_id)
        .where(Mention.entity_id == entity_id, Mention.tenant_id == tenant_id)
        .order_by(Document.title, Mention.document_id, Chunk.index.nulls_last(), Mention.id)
    )
    sources: dict[uuid.UUID, EntitySource] = {}
    for document_id, title, chunk_id, index, count in mentions:
        source = sources.setdefault(
            document_id,
            EntitySource(document_id=document_id, document_title=title, mention_count=0, chunks=[]),
        )
        source.mention_count += count
        source.chunks.append(ChunkMention(chunk_id=chunk_id, chunk_index=index, count=count))
    mention_count = sum(source.mention_count for source in sources.values())
    return EntityDetail(
        **_entity_read(entity, mention_count, len(sources)).model_dump(),
        relations=[
            *await _relations(session, tenant_id, entity_id, outgoing=True),
            *await _relations(session, tenant_id, entity_id, outgoing=False),
        ],
        sources=list(sources.values()),
    )


@dataclass(frozen=True)
class Fact:
    """A relation as the context builder hands it on, with where it comes from."""

    subject_id: uuid.UUID
    subject: str
    predicate: str
    object_id: uuid.UUID | None
    object: str  # the object entity's name, or the value
    confidence: float
    document_id: uuid.UUID
    document_title: str
    chunk_id: uuid.UUID | None

    @property
    def text(self) -> str:
        return fact_text(self.subject, self.predicate, self.object)


async def facts_about(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    keys: Sequence[str],
    *,
    document_ids: Collection[uuid.UUID] | None,
    limit: int,
) -> list[Fact]:
    """Relations whose subject or object is named by one of `keys` (normalised names), from the
    given documents (None: any), stated facts before co-occurrences, the most confident first."""
    if not keys or (document_ids is not None and not document_ids) or limit < 1:
        return []
    named = scoped(select(Entity.id), Entity, tenant_id).where(Entity.key.in_(set(keys)))
    subject, obj = aliased(Entity), aliased(Entity)
    stmt = (
        select(Relation, subject.name, obj.name, Document.title)
        .join(subject, subject.id == Relation.subject_id)
        .outerjoin(obj, obj.id == Relation.object_id)
        .join(Document, Document.id == Relation.document_id)
        .where(
            Relation.tenant_id == tenant_id,
            or_(Relation.subject_id.in_(named), Relation.object_id.in_(named)),
        )
        .order_by(
            (Relation.predicate == COOCCURRENCE),
            Relation.confidence.desc(),
            subject.name,
            Relation.predicate,
            obj.name,
            Relation.object_value,
            Document.title,
            Relation.id,
        )
        .limit(limit)
    )
    if document_ids is not None:
        stmt = stmt.where(Relation.document_id.in_(list(document_ids)))
    rows = await session.execute(stmt)
    return [
        Fact(
            subject_id=relation.subject_id,
            subject=subject_name,
            predicate=relation.predicate,
            object_id=relation.object_id,
            object=object_name if object_name is not None else relation.object_value or "",
            confidence=relation.confidence,
            document_id=relation.document_id,
            document_title=title,
            chunk_id=relation.chunk_id,
        )
        for relation, subject_name, object_name, title in rows
    ]
