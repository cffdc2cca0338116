"""What the worker runs for notifications: the handlers of the events worth telling people.

Each reads the workspace's Slack target in one short transaction, posts with none open, and
records the outcome in another. Slack refusing or failing is recorded, not raised: a handler
that raised would be dispatched again and post twice to the channels that did answer.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from agentplatform.chat.models import Conversation
from agentplatform.core.db import unit_of_work
from agentplatform.core.scoped import scoped
from agentplatform.notifications import service
from agentplatform.notifications.messages import handoff_message, sync_failed_message
from agentplatform.notifications.service import Topic
from agentplatform.notifications.slack import SlackMessage
from agentplatform.tenancy.models import Tenant

logger = logging.getLogger(__name__)


async def _notify(
    ctx: dict[str, Any], tenant_id: uuid.UUID, topic: Topic, message: SlackMessage
) -> bool:
    settings = ctx["settings"]
    async with unit_of_work(ctx["sessionmaker"], None) as session:
        to = await service.target(session, settings, tenant_id, topic)
    if to is None:
        return False
    answer = await service.send(settings, to, message)
    if not answer.ok:
        logger.warning(
            "Slack notification not delivered",
            extra={"tenant_id": str(tenant_id), "topic": topic, "error": answer.error},
        )
    async with unit_of_work(ctx["sessionmaker"], None) as session:
        await service.record(session, tenant_id, answer)
    return answer.ok


async def _workspace(ctx: dict[str, Any], tenant_id: uuid.UUID) -> str | None:
    async with unit_of_work(ctx["sessionmaker"], None) as session:
        return await session.scalar(select(Tenant.name).where(Tenant.id == tenant_id))


async def on_handed_off(ctx: dict[str, Any], payload: Mapping[str, str]) -> None:
    """`chat.handed_off` (tenant_id, conversation_id, reason): tell the workspace's people."""
    tenant_id = uuid.UUID(payload["tenant_id"])
    async with unit_of_work(ctx["sessionmaker"], None) as session:
        workspace = await session.scalar(select(Tenant.name).where(Tenant.id == tenant_id))
        conversation = await session.scalar(
            scoped(select(Conversation), Conversation, tenant_id).where(
                Conversation.id == uuid.UUID(payload["conversation_id"])
            )
        )
    if workspace is None:
        return
    message = handoff_message(
        workspace,
        payload.get("reason", ""),
        title=conversation.title if conversation else None,
        summary=conversation.handoff_summary if conversation else None,
        lead_id=conversation.external_lead_id if conversation else None,
    )
    await _notify(ctx, tenant_id, "handoffs", message)


async def on_sync_failed(ctx: dict[str, Any], payload: Mapping[str, str]) -> None:
    """`kommo.sync_failed` (tenant_id, run_id, kind, reason): a run failed for good."""
    tenant_id = uuid.UUID(payload["tenant_id"])
    workspace = await _workspace(ctx, tenant_id)
    if workspace is None:
        return
    message = sync_failed_message(workspace, payload.get("kind", ""), payload.get("reason", ""))
    await _notify(ctx, tenant_id, "sync_failures", message)
