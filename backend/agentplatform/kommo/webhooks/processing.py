"""Processing one stored webhook event in the worker: claim, dispatch, finish.

The job claims the row (`received` → `processing`, `core.work`: a second job for the same event
finds nothing to claim), loads the typed event, and runs the handler registered for its kind
(`dispatch`) in one transaction with the status it ends in, written only while the claim
stands: what a handler stores lands once. An `Outcome` marks the event processed or ignored
with its detail; `PermanentFailure` fails it with the reason; any other exception puts it back
in the queue with the reason and backoff, failing it after `work_max_attempts`. A kind nobody
handles is ignored ("no handler").
"""

from __future__ import annotations

import logging
import uuid

from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.core import work
from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.settings import Settings
from agentplatform.core.work import Claim, WorkKind
from agentplatform.kommo.webhooks import dispatch
from agentplatform.kommo.webhooks.events import AnyEvent, load_event
from agentplatform.kommo.webhooks.intake import queue_after_commit
from agentplatform.kommo.webhooks.models import KommoWebhookEvent, WebhookEventStatus

logger = logging.getLogger(__name__)


def requeue_event(session: AsyncSession, row: KommoWebhookEvent) -> None:
    row.status = WebhookEventStatus.received
    row.run_id = None
    queue_after_commit(session, [row.id])


WEBHOOK_EVENTS = WorkKind(
    name="Kommo webhook event",
    model=KommoWebhookEvent,
    key=KommoWebhookEvent.id,
    status=KommoWebhookEvent.status,
    queued=WebhookEventStatus.received,
    running=WebhookEventStatus.processing,
    active=(WebhookEventStatus.processing,),
    failed=WebhookEventStatus.failed,
    doing="processing this webhook event",
    requeue=requeue_event,
)


class Skipped:
    """What `process_event` returns when it had nothing to do."""

    not_waiting = "skipped"  # not waiting (done, or taken by another job), or gone
    claim_lost = "claim-lost"


async def _claim(
    maker: async_sessionmaker[AsyncSession], event_id: uuid.UUID
) -> tuple[Claim, AnyEvent] | str:
    async with unit_of_work(maker, None) as session:
        taken = await work.claim(session, WEBHOOK_EVENTS, event_id)
        if taken is None:
            return Skipped.not_waiting
        row, held = taken
        try:
            return held, load_event(row.payload or {})
        except ValueError as exc:  # a payload stored by an older parser, say
            row.status = WebhookEventStatus.failed
            row.last_error = f"The stored event cannot be read: {exc}"[:2000]
            row.processed_at = utcnow()
            return WebhookEventStatus.failed.value


async def process_event(
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    redis: ArqRedis | None,
    event_id: uuid.UUID,
) -> str:
    """Processes the event if it waits; returns the status it ended in (or a `Skipped`).
    Raises after putting it back in the queue when a handler failed in a way that may pass."""
    claimed = await _claim(maker, event_id)
    if isinstance(claimed, str):
        return claimed
    held, event = claimed
    handler = dispatch.handler_for(event.kind)
    try:
        async with unit_of_work(maker, redis) as session:
            if handler is None:
                outcome = dispatch.Outcome.ignored(f"No handler for {event.kind}")
            else:
                context = dispatch.HandlerContext(session, settings, redis, maker)
                every = work.beat_every(settings)  # a slow handler is not taken for dead
                async with work.kept_alive(maker, WEBHOOK_EVENTS, held, every):
                    outcome = await handler(context, held.tenant_id, event)
            row = await work.update_claimed(
                session,
                WEBHOOK_EVENTS,
                held,
                status=WebhookEventStatus(outcome.status),
                detail=outcome.detail,
                processed_at=utcnow(),
                last_error=None,
            )
            if row is None:
                # Taken back by the sweep meanwhile: undo what the handler wrote.
                await session.rollback()
                return Skipped.claim_lost
    except dispatch.PermanentFailure as exc:
        await work.fail(maker, WEBHOOK_EVENTS, held, str(exc) or type(exc).__name__)
        return WebhookEventStatus.failed.value
    except Exception as exc:
        logger.warning("a webhook event handler failed", exc_info=True)
        reason = f"{event.kind} handler failed: {type(exc).__name__}: {exc}"[:2000]
        if await work.retry_or_fail(maker, settings, WEBHOOK_EVENTS, held, reason):
            raise
        return WebhookEventStatus.failed.value
    return outcome.status
