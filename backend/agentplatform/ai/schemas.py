"""Request and response models of the AI settings, providers, health, models and usage."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, StringConstraints

from agentplatform.ai.llm import ProviderKind
from agentplatform.core.schemas import InputModel, OutputModel

ProviderName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
ApiKeyText = Annotated[str, StringConstraints(min_length=1, max_length=500)]
ModelName = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ProviderCreate(InputModel):
    name: ProviderName
    kind: ProviderKind
    base_url: AnyHttpUrl | None = Field(
        default=None, description="Required for `compatible`; OpenAI and OpenRouter have defaults"
    )
    api_key: ApiKeyText | None = Field(
        default=None, description="Write-only: stored encrypted, never returned"
    )


class ProviderUpdate(InputModel):
    name: ProviderName | None = None
    base_url: AnyHttpUrl | None = None
    api_key: ApiKeyText | None = Field(default=None, description="Replaces the stored key")
    clear_api_key: bool = False


class ProviderRead(OutputModel):
    id: uuid.UUID
    name: str
    kind: ProviderKind
    base_url: str
    has_api_key: bool
    api_key_last_four: str = Field(description="The key's last four characters, to recognise it")
    created_at: datetime
    updated_at: datetime


class AiSettingsUpdate(InputModel):
    chat_provider_id: uuid.UUID | None = None
    chat_model: ModelName | None = None
    embedding_provider_id: uuid.UUID | None = None
    embedding_model: ModelName | None = None
    monthly_token_budget: Annotated[int, Field(ge=1)] | None = None


ModelSource = Literal["agent", "workspace", "environment", "offline"]


class ResolvedRead(OutputModel):
    provider: str = Field(description="Provider name, or 'offline' / 'local'")
    kind: str
    model: str
    source: ModelSource
    offline: bool


class AiSettingsRead(OutputModel):
    chat_provider_id: uuid.UUID | None
    chat_model: str | None
    embedding_provider_id: uuid.UUID | None
    embedding_model: str | None
    monthly_token_budget: int | None
    tokens_used_this_month: int
    chat: ResolvedRead = Field(description="What answers when an agent names no model")
    embeddings: ResolvedRead


class ProviderHealthRead(OutputModel):
    provider: str
    kind: str
    source: Literal["workspace", "environment", "local"]
    ok: bool
    latency_ms: int | None
    detail: str
    model_count: int | None


class AiHealth(OutputModel):
    providers: list[ProviderHealthRead]
    offline_mode: bool = Field(description="True when no provider can answer: offline responder")


class ModelInfo(OutputModel):
    id: str
    provider: str
    kind: str
    source: Literal["workspace", "environment", "local"]
    offline: bool = False


class ModelList(OutputModel):
    models: list[ModelInfo]
    errors: dict[str, str] = Field(
        default_factory=dict, description="Providers whose model list could not be read, and why"
    )


class UsageDay(OutputModel):
    day: date
    provider: str
    model: str
    operation: str
    billable: bool = Field(description="False for the offline responder and the local model")
    calls: int
    errors: int
    tokens_in: int
    tokens_out: int
    avg_latency_ms: int


class UsageReport(OutputModel):
    days: list[UsageDay]
    tokens_this_month: int
    monthly_token_budget: int | None


class EmbedRequest(InputModel):
    texts: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=8000)]],
        Field(min_length=1, max_length=64),
    ]


class EmbedResponse(OutputModel):
    model: str
    provider: str
    offline: bool
    dimensions: int
    vectors: list[list[float]]
