"""Request and response models of the index and chunks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from agentplatform.core.schemas import InputModel, OutputModel
from agentplatform.knowledge.index.models import IndexState


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
