"""Request and response models of contact memory."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from agentplatform.chat.memory.models import MemoryOrigin, MemoryStatus
from agentplatform.core.schemas import InputModel, OutputModel

MemoryKey = Literal[
    "name",
    "email",
    "phone",
    "city",
    "company",
    "budget",
    "need",
    "preference",
    "dislike",
    "other",
]
MemoryValue = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Importance = Annotated[float, Field(ge=0, le=1)]


class MemoryCreate(InputModel):
    key: MemoryKey = "other"
    value: MemoryValue
    importance: Importance = 0.7


class MemoryUpdate(InputModel):
    value: MemoryValue | None = None
    importance: Importance | None = None


class MemoryRead(OutputModel):
    id: uuid.UUID
    contact_id: uuid.UUID
    key: str
    value: str
    text: str
    importance: float
    status: MemoryStatus
    superseded_by_id: uuid.UUID | None
    origin: MemoryOrigin
    conversation_id: uuid.UUID | None = Field(description="Where it was learnt, if in a chat")
    message_id: uuid.UUID | None
    times_seen: int
    last_seen_at: datetime
    created_at: datetime
    updated_at: datetime
