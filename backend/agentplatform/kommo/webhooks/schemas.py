"""Response models of webhook intake."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from agentplatform.core.schemas import OutputModel
from agentplatform.kommo.webhooks.models import WebhookEventStatus


class WebhookEventRead(OutputModel):
    id: uuid.UUID
    kind: str = Field(examples=["lead.status", "message.add"], description="'' when rejected")
    entity_type: str = Field(examples=["lead", "contact", "company", "task", "talk"])
    entity_id: str
    own: bool = Field(description="Caused by this integration (its handlers skip it)")
    status: WebhookEventStatus
    deliveries: int = Field(description="Times Kommo delivered it (retries, duplicates)")
    attempts: int
    detail: str | None = Field(description="What processing made of it")
    last_error: str | None = Field(description="Why it failed or was rejected")
    received_at: datetime
    processed_at: datetime | None


class WebhookAck(OutputModel):
    """What Kommo gets back (it only looks at the status)."""

    stored: int = Field(description="Events stored by this delivery")
    repeated: int = Field(description="Events already stored before (a retry or a duplicate)")
    ignored: int = Field(description="Events of a kind nothing here handles")
