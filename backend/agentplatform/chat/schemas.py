"""Request and response models of the chat API, conversations and contacts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import EmailStr, Field, StringConstraints, model_validator

from agentplatform.chat.models import Channel, ConversationStatus, MessageRole, MessageStatus
from agentplatform.core.schemas import InputModel, OutputModel

MAX_MESSAGE_CHARS = 8_000

ExternalSystem = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]


class ContactRef(InputModel):
    """Who is writing: our contact id, or the id another system gives them (created if new)."""

    id: uuid.UUID | None = None
    external_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    system: ExternalSystem = Field(
        default="api", description="Whose id `external_id` is: 'api' (yours), 'kommo', ..."
    )
    name: Annotated[str, StringConstraints(max_length=200)] | None = None
    email: EmailStr | None = None
    phone: Annotated[str, StringConstraints(max_length=64)] | None = None

    @model_validator(mode="after")
    def _identified(self) -> ContactRef:
        if self.id is None and self.external_id is None:
            raise ValueError("give the contact's id or an external_id")
        return self


class ChatRequest(InputModel):
    message: Annotated[str, StringConstraints(min_length=1, max_length=MAX_MESSAGE_CHARS)]
    conversation_id: uuid.UUID | None = Field(
        default=None, description="Continue this conversation; a new one is started without it"
    )
    contact: ContactRef | None = None
    mode: Literal["live", "test"] = Field(
        default="live",
        description="test: the answer comes with the context it used (a test-chat conversation)",
    )
    stream: bool = Field(
        default=False, description="Answer as Server-Sent Events (text/event-stream)"
    )
    kommo_lead_id: int | None = Field(
        default=None,
        ge=1,
        le=2**53,
        description="Test mode only: talk as this Kommo lead. The agent sees the lead's CRM facts "
        "and its actions are dry runs against it (nothing is changed in Kommo)",
    )


class HumanMessageCreate(InputModel):
    content: Annotated[str, StringConstraints(min_length=1, max_length=MAX_MESSAGE_CHARS)]


class Citation(OutputModel):
    kind: Literal["passage", "fact"] = "passage"
    number: int | None = Field(description="The [n] the answer uses (passages only)")
    chunk_id: uuid.UUID
    document_id: uuid.UUID
    document_title: str
    quote: str = Field(description="The passage, or the graph fact, the answer drew on")


class Latency(OutputModel):
    retrieval_ms: int = 0
    context_ms: int = 0
    first_token_ms: int = 0
    generation_ms: int = 0
    total_ms: int = 0


class MessageRead(OutputModel):
    id: uuid.UUID
    conversation_id: uuid.UUID
    role: MessageRole
    content: str
    status: MessageStatus
    provider: str | None
    model: str | None
    offline: bool
    tokens_in: int
    tokens_out: int
    latency: Latency | None = None
    citations: list[Citation]
    tool_calls: list[dict[str, Any]]
    error: str | None
    created_at: datetime


class ContextItemRead(OutputModel):
    id: str
    tokens: int
    score: float | None


class ContextSectionRead(OutputModel):
    name: str
    tokens: int
    items: list[ContextItemRead]
    dropped: int
    truncated: bool


class ContextPassageRead(OutputModel):
    number: int
    chunk_id: uuid.UUID | None
    document_id: uuid.UUID | None
    document_title: str
    score: float
    text: str
    cited: bool


class ContextFactRead(OutputModel):
    text: str
    chunk_id: uuid.UUID | None
    document_id: uuid.UUID | None
    confidence: float
    used: bool


class ContextMemoryRead(OutputModel):
    id: uuid.UUID
    text: str
    score: float


class ContextInspection(OutputModel):
    """Exactly what the model was given, section by section, counted by `tokenizer`."""

    tokenizer: str
    exact: bool = Field(description="False: no tokenizer of this model is known, an estimate")
    budget: int
    total_tokens: int
    sections: list[ContextSectionRead]
    passages: list[ContextPassageRead]
    facts: list[ContextFactRead]
    memories: list[ContextMemoryRead]
    crm_facts: list[str] = Field(description="The lead's facts, when the conversation has one")
    system_prompt: str


class ChatReply(OutputModel):
    conversation_id: uuid.UUID
    user_message_id: uuid.UUID
    message: MessageRead
    context: ContextInspection | None = Field(default=None, description="In test mode only")


class ConversationRead(OutputModel):
    id: uuid.UUID
    agent_id: uuid.UUID
    contact_id: uuid.UUID | None
    channel: Channel
    status: ConversationStatus
    title: str
    external_lead_id: str | None
    external_talk_id: str | None
    message_count: int
    last_message_at: datetime | None
    handoff_reason: str | None
    handoff_summary: str | None
    handed_off_at: datetime | None
    paused_until: datetime | None = Field(description="A person answered: the agent is quiet")
    created_at: datetime


class ConversationDetail(ConversationRead):
    messages: list[MessageRead]


class ExternalIdRead(OutputModel):
    system: str
    external_id: str


class ContactRead(OutputModel):
    id: uuid.UUID
    name: str
    email: str | None
    phone: str | None
    external_ids: list[ExternalIdRead]
    created_at: datetime
