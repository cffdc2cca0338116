"""Request and response models of agents, their revisions and their export format."""

from __future__ import annotations

import enum
import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from agentplatform.agents.models import AgentStatus
from agentplatform.core.schemas import InputModel, OutputModel
from agentplatform.tenancy.schemas import Locale, Timezone

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class AgentTool(enum.StrEnum):
    knowledge_search = "knowledge_search"
    memory_lookup = "memory_lookup"
    move_stage = "move_stage"
    add_note = "add_note"
    create_task = "create_task"
    update_field = "update_field"
    add_tags = "add_tags"
    handoff = "handoff"


def _check_time(value: str) -> str:
    if not _TIME.match(value):
        raise ValueError("expected a time as HH:MM, e.g. '09:00'")
    return value


Clock = Annotated[str, AfterValidator(_check_time)]


class TimeRange(InputModel):
    start: Clock
    end: Clock

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class WorkingHours(InputModel):
    """When the agent answers; outside these hours it sends `outside_hours_message` instead."""

    timezone: Timezone | None = Field(default=None, description="Defaults to the workspace's")
    days: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], list[TimeRange]] = Field(
        default_factory=dict
    )
    outside_hours_message: Annotated[str, StringConstraints(max_length=2000)] = ""


class KnowledgeScope(InputModel):
    """Which knowledge the agent may read: everything, or the listed documents and collections."""

    all: bool = True
    document_ids: list[uuid.UUID] = Field(default_factory=list, max_length=1000)
    collection_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)


class KommoScope(InputModel):
    """Which Kommo pipelines (and stages) and chat channels the agent serves (no pipelines: none
    yet; no channels: every channel)."""

    pipeline_ids: list[Annotated[int, Field(gt=0)]] = Field(default_factory=list, max_length=200)
    status_ids: list[Annotated[int, Field(gt=0)]] = Field(
        default_factory=list,
        max_length=500,
        description="Stages of those pipelines the agent answers in (empty: every stage)",
    )
    channels: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=50
    )


AgentName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Instructions = Annotated[str, StringConstraints(max_length=20_000, strip_whitespace=False)]
ModelName = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Temperature = Annotated[float, Field(ge=0, le=2)]
MaxTokens = Annotated[int, Field(ge=1, le=32_000)]
PauseMinutes = Annotated[int, Field(ge=0, le=10_080)]


class AgentConfig(InputModel):
    """Everything that defines an agent; a revision stores exactly this."""

    name: AgentName
    description: Annotated[str, StringConstraints(max_length=2000)] = ""
    status: AgentStatus = AgentStatus.draft
    instructions: Instructions = ""
    greeting: Annotated[str, StringConstraints(max_length=2000)] = ""
    language: Locale = "en"
    provider_id: uuid.UUID | None = Field(
        default=None, description="A provider of this workspace; null: the workspace default"
    )
    model: ModelName | None = Field(default=None, description="Null: the workspace default")
    temperature: Temperature = 0.3
    max_output_tokens: MaxTokens = 1024
    tools: list[AgentTool] = Field(default_factory=lambda: [AgentTool.knowledge_search])
    knowledge: KnowledgeScope = Field(default_factory=KnowledgeScope)
    kommo: KommoScope = Field(default_factory=KommoScope)
    working_hours: WorkingHours | None = None
    human_pause_minutes: PauseMinutes = Field(
        default=30,
        description="After a person writes in a conversation the agent stays quiet there for "
        "this long (0: it answers again at once)",
    )


class AgentCreate(AgentConfig):
    pass


class AgentUpdate(InputModel):
    name: AgentName | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    status: AgentStatus | None = None
    instructions: Instructions | None = None
    greeting: Annotated[str, StringConstraints(max_length=2000)] | None = None
    language: Locale | None = None
    provider_id: uuid.UUID | None = None
    model: ModelName | None = None
    temperature: Temperature | None = None
    max_output_tokens: MaxTokens | None = None
    tools: list[AgentTool] | None = None
    knowledge: KnowledgeScope | None = None
    kommo: KommoScope | None = None
    working_hours: WorkingHours | None = None
    human_pause_minutes: PauseMinutes | None = None


class AgentRead(OutputModel):
    id: uuid.UUID
    name: str
    description: str
    status: AgentStatus
    instructions: str
    greeting: str
    language: str
    provider_id: uuid.UUID | None
    model: str | None
    temperature: float
    max_output_tokens: int
    tools: list[AgentTool]
    knowledge: KnowledgeScope
    kommo: KommoScope
    working_hours: WorkingHours | None
    human_pause_minutes: int
    version: int
    created_at: datetime
    updated_at: datetime


class AgentSummary(OutputModel):
    id: uuid.UUID
    name: str
    description: str
    status: AgentStatus
    language: str
    model: str | None
    version: int
    updated_at: datetime


class RevisionRead(OutputModel):
    version: int
    changed_fields: list[str]
    actor: str
    note: str
    created_at: datetime


class RevisionDetail(RevisionRead):
    snapshot: dict[str, Any]


class AgentExport(InputModel):
    """A portable agent: no ids of this workspace; the provider travels by name."""

    format: Literal["agentplatform.agent"] = "agentplatform.agent"
    format_version: Literal[1] = 1
    agent: AgentConfig
    provider_name: Annotated[str, StringConstraints(max_length=100)] | None = None


class AgentPreviewMessage(InputModel):
    role: Literal["user", "assistant"]
    content: Annotated[str, StringConstraints(min_length=1, max_length=8000)]


class Passage(InputModel):
    text: Annotated[str, StringConstraints(min_length=1, max_length=8000)]
    title: Annotated[str, StringConstraints(max_length=300)] = ""


class AgentPreviewRequest(InputModel):
    """One reply from the agent as configured now, for the given conversation and knowledge."""

    messages: Annotated[list[AgentPreviewMessage], Field(min_length=1, max_length=50)]
    passages: Annotated[list[Passage], Field(max_length=20)] = Field(default_factory=list)
    use_knowledge: bool = Field(
        default=True,
        description="With no passages given, look them up (and facts from the knowledge graph) "
        "in the knowledge the agent may read, for the last user message; only for agents with "
        "the knowledge_search tool",
    )


class PreviewPassage(OutputModel):
    index: int = Field(description="Its place among the passages the model got (`used_passages`)")
    chunk_id: uuid.UUID
    document_id: uuid.UUID
    document_title: str
    score: float
    used: bool = Field(description="Whether the reply drew on it")


class PreviewFact(OutputModel):
    text: str = Field(examples=["Acme Corp — supplies → Bracket X"])
    subject: str
    predicate: str
    object: str
    confidence: float
    document_id: uuid.UUID
    document_title: str
    chunk_id: uuid.UUID | None
    used: bool = Field(description="Whether the reply drew on the facts passage")


class PreviewContext(OutputModel):
    """What the knowledge lookup found and gave the model, with where each item comes from."""

    query: str
    passages: list[PreviewPassage]
    facts: list[PreviewFact]
    facts_passage_index: int | None = Field(
        description="The passage (in `used_passages` terms) that carried the facts; null: none"
    )


class AgentPreviewReply(OutputModel):
    text: str
    offline: bool = Field(description="True when the offline responder answered (no AI provider)")
    provider: str
    model: str
    model_source: Literal["agent", "workspace", "environment", "offline"]
    used_passages: list[int]
    tokens_in: int
    tokens_out: int
    latency_ms: int
    context: PreviewContext | None = Field(
        default=None,
        description="The knowledge looked up for this reply; null when the request gave its own "
        "passages or no lookup was made",
    )
