"""The webhook events a workspace received: the list people read and the counts for status."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.pagination import PageParams, paginate
from agentplatform.kommo.webhooks.models import KommoWebhookEvent, WebhookEventStatus


async def list_events(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    page: PageParams,
    *,
    status: WebhookEventStatus | None = None,
    kind: str | None = None,
) -> tuple[list[KommoWebhookEvent], int]:
    """The tenant's events, the newest first."""
    stmt = select(KommoWebhookEvent).where(KommoWebhookEvent.tenant_id == tenant_id)
    if status is not None:
        stmt = stmt.where(KommoWebhookEvent.status == status)
    if kind is not None:
        stmt = stmt.where(KommoWebhookEvent.kind == kind)
    stmt = stmt.order_by(KommoWebhookEvent.received_at.desc(), KommoWebhookEvent.id)
    return await paginate(session, stmt, page)


async def delivery_counts(
    session: AsyncSession, tenant_id: uuid.UUID, since: datetime
) -> tuple[int, int]:
    """(events received, events failed or rejected) since `since`."""
    bad = (WebhookEventStatus.failed, WebhookEventStatus.rejected)
    row = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(KommoWebhookEvent.status.in_(bad)),
            ).where(
                KommoWebhookEvent.tenant_id == tenant_id, KommoWebhookEvent.received_at >= since
            )
        )
    ).one()
    return int(row[0]), int(row[1])
