"""What the sync routes take and answer."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agentplatform.core.schemas import InputModel
from agentplatform.kommo.sync.models import FieldEntity, SyncKind, SyncReason, SyncStatus


class SyncRequest(InputModel):
    kinds: list[SyncKind] | None = Field(
        default=None,
        max_length=len(SyncKind),
        description="What to sync; all kinds when absent or empty",
    )


class SyncRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: SyncKind
    status: SyncStatus
    reason: SyncReason
    attempts: int
    last_error: str | None = Field(description="Why the run failed or is being retried")
    started_at: datetime | None
    finished_at: datetime | None
    created_count: int
    updated_count: int
    deleted_count: int
    progress_done: int
    progress_total: int | None
    created_at: datetime
    updated_at: datetime


class SyncRuns(BaseModel):
    runs: list[SyncRunRead]


class StatusRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kommo_id: int
    name: str
    sort: int
    color: str | None
    type: int = Field(description="0 a normal stage, 1 the incoming (unsorted) stage")
    is_editable: bool


class PipelineRead(BaseModel):
    kommo_id: int
    name: str
    sort: int
    is_main: bool
    is_archive: bool
    is_unsorted_on: bool
    statuses: list[StatusRead]


class CustomFieldEnumRead(BaseModel):
    id: int
    value: str
    sort: int | None = None


class CustomFieldRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kommo_id: int
    entity_type: FieldEntity
    name: str
    type: str
    code: str | None
    sort: int
    is_api_only: bool
    is_predefined: bool
    is_deletable: bool
    enums: list[CustomFieldEnumRead] | None


class KommoUserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kommo_id: int
    name: str
    email: str | None
    lang: str | None
    is_admin: bool
    is_active: bool
    rights: dict[str, Any]


class SourceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kommo_id: int
    name: str
    external_id: str
    kommo_pipeline_id: int | None
    is_default: bool
    origin_code: str | None
    services: list[dict[str, Any]]
