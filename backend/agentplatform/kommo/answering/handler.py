"""The webhook dispatch's handler for `message.add`: a chat message, handed to `intake`."""

from __future__ import annotations

import uuid

from agentplatform.kommo.answering.intake import IncomingChatMessage, Outcome, receive_message
from agentplatform.kommo.connection.models import ConnectionStatus
from agentplatform.kommo.connection.service import find_connection
from agentplatform.kommo.webhooks import dispatch
from agentplatform.kommo.webhooks.events import AnyEvent, MessageEvent

KIND = "message.add"

SAID: dict[Outcome, str] = {
    "queued": "The agent answers",
    "stored": "A person's message: the agent waits",
    "own": "The agent's own message",
    "duplicate": "Already received",
    "no_agent": "No active agent serves this lead's pipeline and stage",
    "not_a_lead": "The chat is not bound to a lead",
    "lead_gone": "The lead no longer exists",
}


def _message(event: MessageEvent) -> IncomingChatMessage:
    return IncomingChatMessage(
        id=event.id,
        chat_id=event.chat_id or "",
        talk_id=str(event.talk_id) if event.talk_id else None,
        contact_id=event.contact_id,
        text=event.text or "",
        created_at=event.created_at or 0,
        entity_type=event.entity_type,
        entity_id=event.entity_id or event.element_id,
        direction=event.type or "incoming",
        author_type=event.author.type,
        author_name=event.author.name or "",
        origin=event.origin,
    )


async def on_message(
    ctx: dispatch.HandlerContext, tenant_id: uuid.UUID, event: AnyEvent
) -> dispatch.Outcome:
    if not isinstance(event, MessageEvent):
        raise dispatch.PermanentFailure(f"{KIND} carried a {type(event).__name__}")
    if event.own:
        return dispatch.Outcome.ignored("Our own message")
    if not (event.text or "").strip():
        return dispatch.Outcome.ignored("No text (an attachment only)")
    if ctx.redis is None:
        raise RuntimeError("Redis is needed to send the answer job")  # retried
    connection = await find_connection(ctx.session, tenant_id)
    if connection is None or connection.status is not ConnectionStatus.connected:
        return dispatch.Outcome.ignored("Kommo is not connected")
    outcome = await receive_message(
        ctx.session, ctx.maker, ctx.settings, ctx.redis, connection, _message(event)
    )
    if outcome in ("queued", "stored"):
        return dispatch.Outcome.processed(SAID[outcome])
    return dispatch.Outcome.ignored(SAID[outcome])
