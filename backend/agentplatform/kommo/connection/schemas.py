"""What the connection routes take and answer. Tokens never appear in an answer."""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import Field, SecretStr

from agentplatform.core.schemas import InputModel, OutputModel
from agentplatform.kommo.connection.models import AuthKind
from agentplatform.kommo.sync.schemas import SyncRunRead


class ConnectionState(enum.StrEnum):
    connected = "connected"
    reconnect_required = "reconnect_required"
    not_connected = "not_connected"


class AuthorizeUrl(OutputModel):
    url: str = Field(description="Kommo's consent page; open it in a popup or the window")
    expires_in: int = Field(description="Seconds the consent may take before it is refused")


class LongLivedTokenConnect(InputModel):
    account_url: str = Field(min_length=1, max_length=255, examples=["https://acme.kommo.com"])
    token: SecretStr = Field(min_length=20, max_length=8192)


class KommoStatus(OutputModel):
    """The workspace's Kommo connection as the integrations page shows it."""

    state: ConnectionState
    oauth_available: bool = Field(description="Whether the consent flow is configured")
    auth_kind: AuthKind | None = None
    account_id: int | None = None
    subdomain: str | None = None
    base_url: str | None = None
    access_expires_at: datetime | None = None
    webhook_url: str | None = Field(default=None, description="Where Kommo posts our events")
    webhooks_registered_at: datetime | None = None
    last_error: str | None = None
    syncs: list[SyncRunRead] = Field(
        default_factory=list, description="The last sync of each kind (with its error, if any)"
    )
    deliveries_24h: DeliveryCounts = Field(default_factory=lambda: DeliveryCounts())


class DeliveryCounts(OutputModel):
    """Webhook deliveries in the last 24 hours."""

    received: int = 0
    failed: int = Field(default=0, description="Failed to process, or unreadable and rejected")


class DisconnectResult(OutputModel):
    webhooks_removed: int = Field(description="Our webhooks removed from the Kommo account")
    webhook_error: str | None = Field(
        default=None, description="Why they could not be removed (the connection is gone anyway)"
    )
