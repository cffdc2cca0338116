"""Collections: named groups of documents; deleting one leaves its documents without a group."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.errors import Conflict, FieldError, ValidationFailed
from agentplatform.core.scoped import get_scoped, scoped
from agentplatform.knowledge.documents.models import Collection, Document
from agentplatform.knowledge.documents.schemas import (
    CollectionCreate,
    CollectionUpdate,
    DocumentUpdate,
)
from agentplatform.knowledge.documents.service import check_collection, get_document
from agentplatform.knowledge.index.models import Chunk


@dataclass(frozen=True)
class CollectionWithCount:
    id: uuid.UUID
    name: str
    description: str
    document_count: int
    created_at: datetime
    updated_at: datetime


def _name_taken(name: str) -> Conflict:
    return Conflict(
        f"A collection named '{name}' exists already",
        errors=[FieldError.at("body.name", "a collection with this name exists", "duplicate")],
    )


async def _document_count(session: AsyncSession, collection: Collection) -> CollectionWithCount:
    count = await session.scalar(
        scoped(select(func.count()).select_from(Document), Document, collection.tenant_id).where(
            Document.collection_id == collection.id
        )
    )
    return CollectionWithCount(
        id=collection.id,
        name=collection.name,
        description=collection.description,
        document_count=int(count or 0),
        created_at=collection.created_at,
        updated_at=collection.updated_at,
    )


async def _ensure_name_free(
    session: AsyncSession, tenant_id: uuid.UUID, name: str, exclude: uuid.UUID | None = None
) -> None:
    stmt = scoped(select(Collection.id), Collection, tenant_id).where(Collection.name == name)
    if exclude is not None:
        stmt = stmt.where(Collection.id != exclude)
    if await session.scalar(stmt) is not None:
        raise _name_taken(name)


async def _flush_unique(session: AsyncSession, name: str) -> None:
    """Flushes in a savepoint so a concurrent insert of the same name becomes a 409, not a 500."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise _name_taken(name) from exc


async def get_collection(
    session: AsyncSession, tenant_id: uuid.UUID, collection_id: uuid.UUID
) -> Collection:
    return await get_scoped(session, Collection, tenant_id, collection_id, "Collection not found")


async def list_collections(
    session: AsyncSession, tenant_id: uuid.UUID
) -> list[CollectionWithCount]:
    counts = (
        select(Document.collection_id, func.count().label("n"))
        .where(Document.tenant_id == tenant_id, Document.collection_id.is_not(None))
        .group_by(Document.collection_id)
        .subquery()
    )
    rows = await session.execute(
        select(Collection, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.collection_id == Collection.id)
        .where(Collection.tenant_id == tenant_id)
        .order_by(Collection.name, Collection.id)
    )
    return [
        CollectionWithCount(
            id=c.id,
            name=c.name,
            description=c.description,
            document_count=int(n),
            created_at=c.created_at,
            updated_at=c.updated_at,
        )
        for c, n in rows.all()
    ]


async def create_collection(
    session: AsyncSession, tenant_id: uuid.UUID, body: CollectionCreate
) -> CollectionWithCount:
    await _ensure_name_free(session, tenant_id, body.name)
    collection = Collection(tenant_id=tenant_id, name=body.name, description=body.description)
    session.add(collection)
    await _flush_unique(session, body.name)
    await session.refresh(collection)
    return await _document_count(session, collection)


async def update_collection(
    session: AsyncSession, tenant_id: uuid.UUID, collection_id: uuid.UUID, body: CollectionUpdate
) -> CollectionWithCount:
    collection = await get_collection(session, tenant_id, collection_id)
    if "name" in body.model_fields_set:
        if body.name is None:
            raise ValidationFailed(
                "The name cannot be empty",
                errors=[FieldError.at("body.name", "may not be null", "null")],
            )
        if body.name != collection.name:
            await _ensure_name_free(session, tenant_id, body.name, exclude=collection.id)
            collection.name = body.name
    if body.description is not None:
        collection.description = body.description
    await _flush_unique(session, collection.name)
    await session.refresh(collection)
    return await _document_count(session, collection)


async def delete_collection(
    session: AsyncSession, tenant_id: uuid.UUID, collection_id: uuid.UUID
) -> None:
    """The documents stay; the foreign key clears their collection (done here too, so documents
    already loaded in this session agree with the database)."""
    collection = await get_collection(session, tenant_id, collection_id)
    await session.execute(
        scoped(update(Document), Document, tenant_id)
        .where(Document.collection_id == collection.id)
        .values(collection_id=None)
    )
    await session.delete(collection)
    await session.flush()


async def update_document(
    session: AsyncSession, tenant_id: uuid.UUID, document_id: uuid.UUID, body: DocumentUpdate
) -> Document:
    document = await get_document(session, tenant_id, document_id)
    sent = body.model_fields_set
    for field in ("title", "tags"):
        if field in sent and getattr(body, field) is None:
            raise ValidationFailed(
                f"The {field} cannot be null",
                errors=[FieldError.at(f"body.{field}", "may not be null", "null")],
            )
    if "collection_id" in sent:
        await check_collection(session, tenant_id, body.collection_id)
    if body.title is not None and body.title != document.title:
        document.title = body.title
        # The chunks carry the title for the text leg (its vectors get it when re-embedded).
        await session.execute(
            update(Chunk).where(Chunk.document_id == document.id).values(document_title=body.title)
        )
    if body.tags is not None:
        document.tags = sorted({t.strip() for t in body.tags if t.strip()})
    if "collection_id" in sent:
        document.collection_id = body.collection_id
    await session.flush()
    await session.refresh(document)
    return document
