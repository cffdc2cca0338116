"""What the Slack routes take and answer (the secret is write-only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from agentplatform.core.schemas import InputModel
from agentplatform.notifications.models import SlackKind

SecretText = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Channel = Annotated[
    str, StringConstraints(min_length=1, max_length=80, pattern=r"^#?[A-Za-z0-9][\w.\-]*$")
]


class SlackConfigure(InputModel):
    kind: SlackKind
    webhook_url: SecretText | None = Field(
        default=None,
        description="kind webhook: https://hooks.slack.com/services/...; write-only, stored "
        "encrypted. Omit to keep the stored one",
    )
    bot_token: SecretText | None = Field(
        default=None,
        description="kind bot: an xoxb- token; write-only, stored encrypted. Omit to keep the "
        "stored one",
    )
    channel: Channel | None = Field(
        default=None, description="kind bot: the channel id (C0123…) or #name to post to"
    )
    notify_handoffs: bool = True
    notify_sync_failures: bool = True


class SlackStatus(BaseModel):
    configured: bool
    kind: SlackKind | None = None
    channel: str | None = None
    secret_last_four: str | None = Field(
        default=None, description="The webhook URL's or token's last four characters"
    )
    notify_handoffs: bool = False
    notify_sync_failures: bool = False
    last_delivery_at: datetime | None = None
    last_delivery_ok: bool | None = None
    last_delivery_error: str | None = None
    updated_at: datetime | None = None


class SlackTestResult(BaseModel):
    ok: bool
    slack_status: int | None = Field(description="Slack's HTTP status (None: not reached)")
    error: str | None = Field(description="Slack's error code, e.g. no_service, channel_not_found")
    detail: str
