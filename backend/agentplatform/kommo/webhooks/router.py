"""HTTP routes of webhook intake: Kommo's deliveries (public) and the workspace's events list.

`POST /api/v1/hooks/kommo/{token}`: account webhooks. No session, no tenant lookup, no per-IP
rate limit (Kommo sends from few addresses; the token in the URL is the secret, account webhooks
are unsigned): the token finds the connection (unknown: 404), `account[id]`/`account[subdomain]`
must be the connection's (403), an unreadable body is kept as a rejected row and answered 400
with the reason; otherwise the events are stored in one statement and committed, and only then
the answer (200) goes out, the jobs sent on the way with a short Redis budget.

`POST /api/v1/hooks/kommo/{token}/chats`: our Chats API channel's deliveries, JSON signed with
`X-Signature` = HMAC-SHA1(channel secret, body) (401 when it does not match).

Both stay out of the OpenAPI schema: Kommo calls them, the SPA's client never does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from agentplatform.core.app_state import app_settings
from agentplatform.core.db import SessionDep
from agentplatform.core.errors import (
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    problem_response,
    problem_responses,
)
from agentplatform.core.pagination import Page, PageDep
from agentplatform.kommo.client.amojo import verify_webhook
from agentplatform.kommo.connection.models import KommoConnection
from agentplatform.kommo.connection.service import WEBHOOK_PATH, connection_for_webhook
from agentplatform.kommo.deps import IntegrationsRead
from agentplatform.kommo.webhooks import intake
from agentplatform.kommo.webhooks import service as webhooks_service
from agentplatform.kommo.webhooks.errors import (
    WebhookAccountMismatch,
    WebhookBodyRejected,
    WebhookSignatureRejected,
)
from agentplatform.kommo.webhooks.events import Event
from agentplatform.kommo.webhooks.models import WebhookEventStatus
from agentplatform.kommo.webhooks.parsing import (
    WebhookRejected,
    parse_chat_delivery,
    parse_delivery,
)
from agentplatform.kommo.webhooks.schemas import WebhookAck, WebhookEventRead

API_PREFIX = "/api/v1"
hooks_router = APIRouter(prefix=WEBHOOK_PATH.removeprefix(API_PREFIX), include_in_schema=False)
events_router = APIRouter(prefix="/tenants/{tenant_id}/integrations/kommo", tags=["kommo-webhooks"])

MAX_TOKEN_LENGTH = 128


async def _connection(session: SessionDep, token: str) -> KommoConnection:
    connection = None
    if len(token) <= MAX_TOKEN_LENGTH:
        connection = await connection_for_webhook(session, token)
    if connection is None:
        raise NotFound("No Kommo connection has this webhook URL")
    return connection


async def _rejected(
    request: Request, session: SessionDep, connection: KommoConnection, body: bytes, reason: str
) -> Response:
    """Kept for people to inspect (committed: the 400 does not roll it back)."""
    await intake.store_rejected(session, connection, body, reason)
    await session.commit()
    return problem_response(
        request,
        status=WebhookBodyRejected.status,
        code=WebhookBodyRejected.code,
        title=WebhookBodyRejected.title,
        detail=reason,
    )


async def _store(
    request: Request, session: SessionDep, connection: KommoConnection, events: list[Event]
) -> WebhookAck:
    stored = await intake.store_events(session, connection, events)
    await session.commit()  # durably stored before the answer, whatever Redis does
    budget = app_settings(request).redis_fast_timeout_seconds
    await intake.send_jobs(request.app.state.arq, stored.new, budget)
    return WebhookAck(stored=len(stored.new), repeated=stored.repeated, ignored=stored.ignored)


@hooks_router.post("/{token}", response_model=WebhookAck)
async def receive_kommo_webhook(
    token: str, request: Request, session: SessionDep
) -> WebhookAck | Response:
    connection = await _connection(session, token)
    body = await request.body()
    try:
        delivery = parse_delivery(body, intake.identity_of(connection))
    except WebhookRejected as exc:
        return await _rejected(request, session, connection, body, str(exc))
    if (
        delivery.account_id != connection.account_id
        or delivery.subdomain.lower() != connection.subdomain.lower()
    ):
        raise WebhookAccountMismatch(
            f"The body is from account {delivery.account_id} ({delivery.subdomain}), "
            "not this connection's"
        )
    return await _store(request, session, connection, list(delivery.events))


@hooks_router.post("/{token}/chats", response_model=WebhookAck)
async def receive_kommo_chats_webhook(
    token: str, request: Request, session: SessionDep
) -> WebhookAck | Response:
    secret = app_settings(request).kommo_chats_channel_secret
    body = await request.body()
    signature = request.headers.get("x-signature", "")
    if secret is None or not verify_webhook(secret.get_secret_value(), body, signature):
        raise WebhookSignatureRejected("X-Signature is not the channel's HMAC-SHA1 of the body")
    connection = await _connection(session, token)
    try:
        delivery = parse_chat_delivery(body, connection.account_id, intake.identity_of(connection))
    except WebhookRejected as exc:
        return await _rejected(request, session, connection, body, str(exc))
    if connection.amojo_id and delivery.amojo_account_id != connection.amojo_id:
        raise WebhookAccountMismatch("The message is for another Kommo account")
    return await _store(request, session, connection, [delivery.event])


@events_router.get(
    "/events",
    response_model=Page[WebhookEventRead],
    responses=problem_responses(Unauthorized, Forbidden, NotFound, RateLimited),
)
async def list_kommo_webhook_events(
    ctx: IntegrationsRead,
    session: SessionDep,
    page: PageDep,
    status: Annotated[WebhookEventStatus | None, Query()] = None,
    kind: Annotated[
        str | None, Query(max_length=64, description="e.g. lead.status, message.add")
    ] = None,
) -> Page[WebhookEventRead]:
    """The webhook events Kommo delivered to this workspace, the newest first."""
    items, total = await webhooks_service.list_events(
        session, ctx.tenant_id, page, status=status, kind=kind
    )
    return Page[WebhookEventRead].of(
        [WebhookEventRead.model_validate(item) for item in items], total, page
    )
