"""Request and response models of knowledge search."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from agentplatform.core.schemas import InputModel, OutputModel
from agentplatform.knowledge.documents.schemas import Tag


class SearchRequest(InputModel):
    query: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    mode: Literal["hybrid", "vector", "text"] = "hybrid"
    limit: Annotated[int, Field(ge=1, le=50)] = 10
    document_ids: Annotated[list[uuid.UUID], Field(max_length=1000)] | None = None
    collection_ids: Annotated[list[uuid.UUID], Field(max_length=200)] | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] | None = None


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
