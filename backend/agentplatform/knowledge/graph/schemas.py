"""Request and response models of the knowledge graph."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from agentplatform.core.schemas import OutputModel
from agentplatform.knowledge.graph.models import EntityType, ExtractionStatus


class EntityRead(OutputModel):
    id: uuid.UUID
    name: str
    type: EntityType
    description: str
    mention_count: int = Field(description="Times the documents name it")
    document_count: int = Field(description="Documents that name it")


class EntityLink(OutputModel):
    id: uuid.UUID
    name: str
    type: EntityType


class RelationRead(OutputModel):
    id: uuid.UUID
    direction: Literal["outgoing", "incoming"] = Field(
        description="outgoing: this entity is the subject; incoming: it is the object"
    )
    predicate: str = Field(examples=["supplies", "price", "is_a", "mentioned_with"])
    subject: EntityLink
    object: EntityLink | None = Field(description="The object when it is an entity")
    value: str | None = Field(description="The object when it is a value, e.g. '2 years'")
    text: str = Field(examples=["Acme Corp — supplies → Bracket X"])
    confidence: float
    document_id: uuid.UUID
    document_title: str
    chunk_id: uuid.UUID | None = Field(description="Null while the document is being reindexed")


class ChunkMention(OutputModel):
    chunk_id: uuid.UUID | None
    chunk_index: int | None
    count: int


class EntitySource(OutputModel):
    document_id: uuid.UUID
    document_title: str
    mention_count: int
    chunks: list[ChunkMention]


class EntityDetail(EntityRead):
    relations: list[RelationRead] = Field(
        description="Facts about it in both directions, strongest first (at most 200 each way)"
    )
    sources: list[EntitySource] = Field(description="The documents and chunks that name it")


class GraphExtractionRead(OutputModel):
    document_id: uuid.UUID
    document_title: str
    status: ExtractionStatus | None = Field(
        description="Null: not extracted yet (the document has not been indexed)"
    )
    attempts: int
    last_error: str | None
    extractor: str | None = Field(
        description="`offline/patterns-v1` or the model that extracted it",
        examples=["offline/patterns-v1", "gpt-4o-mini"],
    )
    entity_count: int
    relation_count: int
    mention_count: int
    extracted_at: datetime | None
    updated_at: datetime | None
