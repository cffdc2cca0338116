"""Request and response models of documents and collections."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AnyHttpUrl, Field, StringConstraints

from agentplatform.core.schemas import InputModel, OutputModel
from agentplatform.knowledge.documents.models import DocumentStatus, SourceKind

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
