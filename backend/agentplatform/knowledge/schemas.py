"""Request and response models of the knowledge base."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, StringConstraints

from agentplatform.core.schemas import InputModel, OutputModel
from agentplatform.knowledge.models import DocumentStatus, IndexState, SourceKind

Tag = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class TextDocumentCreate(InputModel):
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    text: Annotated[str, StringConstraints(min_length=1, max_length=2_000_000)]
    collection_id: uuid.UUID | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] = Field(default_factory=list)


class UrlDocumentCreate(InputModel):
    url: AnyHttpUrl
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    collection_id: uuid.UUID | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] = Field(default_factory=list)


class DocumentRead(OutputModel):
    id: uuid.UUID
    title: str
    source_kind: SourceKind
    filename: str | None
    source_url: str | None
    content_type: str
    size_bytes: int
    collection_id: uuid.UUID | None
    tags: list[str]
    status: DocumentStatus
    progress: float = Field(description="0..1 within the current step of indexing")
    last_error: str | None
    attempts: int
    page_count: int | None
    chunk_count: int
    token_count: int
    embedding_model: str | None
    indexed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class SearchRequest(InputModel):
    query: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    mode: Literal["hybrid", "vector", "text"] = "hybrid"
    limit: Annotated[int, Field(ge=1, le=50)] = 10
    document_ids: Annotated[list[uuid.UUID], Field(max_length=1000)] | None = None
    collection_ids: Annotated[list[uuid.UUID], Field(max_length=200)] | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] | None = None
    agent_id: uuid.UUID | None = Field(
        default=None, description="Only the knowledge this agent may read"
    )


class SearchHitRead(OutputModel):
    chunk_id: uuid.UUID
    document_id: uuid.UUID
    document_title: str
    text: str
    heading_path: list[str]
    page_start: int | None
    page_end: int | None
    score: float
    vector_rank: int | None
    text_rank: int | None
    highlight: str = Field(description="HTML: escaped text with <mark> around matched words")


class SearchResponse(OutputModel):
    hits: list[SearchHitRead]
    embedding_model: str


CollectionName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
CollectionDescription = Annotated[str, StringConstraints(max_length=2000)]


class CollectionCreate(InputModel):
    name: CollectionName
    description: CollectionDescription = ""


class CollectionUpdate(InputModel):
    """Only the fields sent change."""

    name: CollectionName | None = None
    description: CollectionDescription | None = None


class CollectionRead(OutputModel):
    id: uuid.UUID
    name: str
    description: str
    document_count: int
    created_at: datetime
    updated_at: datetime


class DocumentUpdate(InputModel):
    """Only the fields sent change; `collection_id: null` takes the document out of its group."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] | None = None
    collection_id: uuid.UUID | None = None


class ChunkRead(OutputModel):
    id: uuid.UUID
    document_id: uuid.UUID
    index: int
    text: str
    heading_path: list[str]
    page_start: int | None
    page_end: int | None
    token_count: int


class ChunkUpdate(InputModel):
    text: Annotated[str, StringConstraints(min_length=1, max_length=8000)]


class FailedDocumentRead(OutputModel):
    id: uuid.UUID
    title: str
    last_error: str | None
    attempts: int
    updated_at: datetime


class KnowledgeStats(OutputModel):
    documents_by_status: dict[DocumentStatus, int] = Field(
        description="Every status, 0 when no document has it"
    )
    total_documents: int
    total_chunks: int
    total_tokens: int
    storage_bytes: int
    last_indexed_at: datetime | None
    recent_failures: list[FailedDocumentRead] = Field(
        description="Up to 5 failed documents, most recently updated first"
    )


class EmbeddingModelRead(OutputModel):
    model: str
    endpoint: str | None = Field(description="'<kind> <base url>' of a provider; null: local")


class KnowledgeIndexRead(OutputModel):
    """The model the workspace's vectors come from, and a move to another one if under way."""

    active: EmbeddingModelRead
    configured: EmbeddingModelRead = Field(
        description="What the AI settings choose now; differs from `active` until a move ends"
    )
    state: IndexState
    target: EmbeddingModelRead | None
    chunks_total: int
    chunks_done: int
    progress: float = Field(ge=0, le=1)
    attempts: int
    last_error: str | None
    started_at: datetime | None
    finished_at: datetime | None


class ReindexQueued(OutputModel):
    queued: int = Field(description="Documents put back in the indexing queue")
    busy: int = Field(description="Documents left alone because they are being indexed already")
