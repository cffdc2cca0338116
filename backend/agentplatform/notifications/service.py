"""A workspace's Slack target: set, read, remove, test; and sending a notification to it.

Sending is split so that no transaction is held while Slack answers: `target` reads what to send
to (decrypted), `send` posts, `record` keeps the outcome for the status page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.db import utcnow
from agentplatform.core.errors import FieldError, NotFound, ValidationFailed
from agentplatform.core.scoped import scoped
from agentplatform.core.security import last_four
from agentplatform.core.settings import Settings
from agentplatform.kommo.connection.service import box
from agentplatform.notifications.models import SlackIntegration, SlackKind
from agentplatform.notifications.schemas import SlackConfigure, SlackStatus
from agentplatform.notifications.slack import (
    SlackAnswer,
    SlackClient,
    SlackMessage,
    webhook_url_problem,
)

Topic = Literal["handoffs", "sync_failures", "test"]
TOKEN_PREFIXES = ("xoxb-", "xoxp-")
NOT_CONFIGURED = "Slack is not configured for this workspace"


@dataclass(frozen=True)
class Target:
    kind: SlackKind
    secret: str
    channel: str | None


async def find_integration(
    session: AsyncSession, tenant_id: uuid.UUID, *, for_update: bool = False
) -> SlackIntegration | None:
    stmt = scoped(select(SlackIntegration), SlackIntegration, tenant_id)
    return await session.scalar(stmt.with_for_update() if for_update else stmt)


def status_of(row: SlackIntegration | None) -> SlackStatus:
    if row is None:
        return SlackStatus(configured=False)
    return SlackStatus(
        configured=True,
        kind=row.kind,
        channel=row.channel,
        secret_last_four=row.secret_last_four,
        notify_handoffs=row.notify_handoffs,
        notify_sync_failures=row.notify_sync_failures,
        last_delivery_at=row.last_delivery_at,
        last_delivery_ok=row.last_delivery_ok,
        last_delivery_error=row.last_delivery_error,
        updated_at=row.updated_at,
    )


async def get_status(session: AsyncSession, tenant_id: uuid.UUID) -> SlackStatus:
    return status_of(await find_integration(session, tenant_id))


def _invalid(field: str, message: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, errors=[FieldError.at(f"body.{field}", message, code)])


def _new_secret(
    data: SlackConfigure, settings: Settings, existing: SlackIntegration | None
) -> str | None:
    """The secret to store (None: keep the stored one), checked for its kind."""
    keep = existing is not None and existing.kind is data.kind
    if data.kind is SlackKind.webhook:
        if data.bot_token is not None:
            raise _invalid("bot_token", "a webhook takes no bot token", "unexpected")
        if data.webhook_url is None:
            if keep:
                return None
            raise _invalid("webhook_url", "required for kind 'webhook'", "missing")
        problem = webhook_url_problem(data.webhook_url, settings)
        if problem is not None:
            raise _invalid("webhook_url", f"The webhook URL {problem}")
        return data.webhook_url
    if data.webhook_url is not None:
        raise _invalid("webhook_url", "a bot takes no webhook URL", "unexpected")
    if data.channel is None:
        raise _invalid("channel", "required for kind 'bot'", "missing")
    if data.bot_token is None:
        if keep:
            return None
        raise _invalid("bot_token", "required for kind 'bot'", "missing")
    if not data.bot_token.startswith(TOKEN_PREFIXES) or any(c.isspace() for c in data.bot_token):
        raise _invalid("bot_token", "The bot token must be a Slack token (xoxb-...)")
    return data.bot_token


async def configure(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    data: SlackConfigure,
    user_id: uuid.UUID | None,
) -> SlackIntegration:
    """Sets the workspace's Slack target (replacing the one before)."""
    row = await find_integration(session, tenant_id, for_update=True)
    secret = _new_secret(data, settings, row)
    if row is None:
        row = SlackIntegration(tenant_id=tenant_id)
        session.add(row)
    if secret is not None:
        row.secret_encrypted = box(settings).encrypt(secret)
        row.secret_last_four = last_four(secret)
        row.last_delivery_at = row.last_delivery_ok = row.last_delivery_error = None
    row.kind = data.kind
    row.channel = data.channel
    row.notify_handoffs = data.notify_handoffs
    row.notify_sync_failures = data.notify_sync_failures
    row.configured_by = user_id
    row.updated_at = utcnow()
    await session.flush()
    return row


async def remove(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    await session.execute(scoped(delete(SlackIntegration), SlackIntegration, tenant_id))


# --- sending ---------------------------------------------------------------------------------


async def target(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID, topic: Topic
) -> Target | None:
    """Where `topic` goes for the workspace (None: not configured, or that topic is off)."""
    row = await find_integration(session, tenant_id)
    if row is None:
        return None
    if (topic == "handoffs" and not row.notify_handoffs) or (
        topic == "sync_failures" and not row.notify_sync_failures
    ):
        return None
    return Target(row.kind, box(settings).decrypt(row.secret_encrypted), row.channel)


async def send(settings: Settings, to: Target, message: SlackMessage) -> SlackAnswer:
    async with SlackClient(settings) as slack:
        if to.kind is SlackKind.webhook:
            return await slack.post_webhook(to.secret, message)
        return await slack.post_message(to.secret, to.channel or "", message)


async def record(session: AsyncSession, tenant_id: uuid.UUID, answer: SlackAnswer) -> None:
    row = await find_integration(session, tenant_id, for_update=True)
    if row is None:
        return
    row.last_delivery_at = utcnow()
    row.last_delivery_ok = answer.ok
    row.last_delivery_error = None if answer.ok else answer.detail


async def send_test(session: AsyncSession, settings: Settings, tenant_id: uuid.UUID) -> SlackAnswer:
    """Posts a test message now (a person waits for Slack's answer) and records the outcome."""
    to = await target(session, settings, tenant_id, "test")
    if to is None:
        raise NotFound(NOT_CONFIGURED)
    answer = await send(
        settings,
        to,
        SlackMessage(
            text="Test message from GPT Agent Platform: notifications reach this channel.",
            blocks=[
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": "*Test message* from GPT Agent Platform: hand-offs and "
                        "Kommo sync failures of this workspace will be posted here.",
                    },
                }
            ],
        ),
    )
    await record(session, tenant_id, answer)
    return answer
