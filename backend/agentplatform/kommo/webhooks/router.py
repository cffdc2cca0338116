"""HTTP routes of webhook intake: Kommo's deliveries (public) and the workspace's events list.

`POST /api/v1/hooks/kommo/{token}`: account webhooks. No session, no tenant lookup, no per-IP
rate limit (Kommo sends from few addresses; the token in the URL is the secret, account webhooks
are unsigned): the token finds the connection (unknown: 404; remembered a few seconds per
process, `targets`), `account[id]`/`account[subdomain]`
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
from sqlalchemy.exc import IntegrityError

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
from agentplatform.kommo.connection.service import WEBHOOK_PATH
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
from agentplatform.kommo.webhooks.targets import HookTarget, HookTargets

API_PREFIX = "/api/v1"
hooks_router = APIRouter(prefix=WEBHOOK_PATH.removeprefix(API_PREFIX), include_in_schema=False)
events_router = APIRouter(prefix="/tenants/{tenant_id}/integrations/kommo", tags=["kommo-webhooks"])

MAX_TOKEN_LENGTH = 128


def _targets(request: Request) -> HookTargets:
    targets: HookTargets | None = getattr(request.app.state, "kommo_hook_targets", None)
    if targets is None:
        targets = request.app.state.kommo_hook_targets = HookTargets()
    return targets


async def _target(request: Request, session: SessionDep, token: str) -> HookTarget:
    target = None
    if len(token) <= MAX_TOKEN_LENGTH:
        target = await _targets(request).find(session, token)
    if target is None:
        raise NotFound("No Kommo connection has this webhook URL")
    return target


async def _rejected(
    request: Request, session: SessionDep, target: HookTarget, body: bytes, reason: str
) -> Response:
    """Kept for people to inspect (committed: the 400 does not roll it back)."""
    await intake.store_rejected(session, target, body, reason)
    await session.commit()
    return problem_response(
        request,
        status=WebhookBodyRejected.status,
        code=WebhookBodyRejected.code,
        title=WebhookBodyRejected.title,
        detail=reason,
    )


async def _store(
    request: Request, session: SessionDep, token: str, target: HookTarget, events: list[Event]
) -> WebhookAck:
    try:
        stored = await intake.store_events(session, target, events)
    except IntegrityError as exc:  # the connection was deleted since we remembered it
        await session.rollback()
        _targets(request).forget(token)
        raise NotFound("No Kommo connection has this webhook URL") from exc
    await session.commit()  # durably stored before the answer, whatever Redis does
    budget = app_settings(request).redis_fast_timeout_seconds
    await intake.send_jobs(request.app.state.arq, stored.new, budget)
    return WebhookAck(stored=len(stored.new), repeated=stored.repeated, ignored=stored.ignored)


@hooks_router.post("/{token}", response_model=WebhookAck)
async def receive_kommo_webhook(
    token: str, request: Request, session: SessionDep
) -> WebhookAck | Response:
    target = await _target(request, session, token)
    body = await request.body()
    try:
        delivery = parse_delivery(body, target.identity)
    except WebhookRejected as exc:
        return await _rejected(request, session, target, body, str(exc))
    if (
        delivery.account_id != target.account_id
        or delivery.subdomain.lower() != target.subdomain.lower()
    ):
        raise WebhookAccountMismatch(
            f"The body is from account {delivery.account_id} ({delivery.subdomain}), "
            "not this connection's"
        )
    return await _store(request, session, token, target, list(delivery.events))


@hooks_router.post("/{token}/chats", response_model=WebhookAck)
async def receive_kommo_chats_webhook(
    token: str, request: Request, session: SessionDep
) -> WebhookAck | Response:
    secret = app_settings(request).kommo_chats_channel_secret
    body = await request.body()
    signature = request.headers.get("x-signature", "")
    if secret is None or not verify_webhook(secret.get_secret_value(), body, signature):
        raise WebhookSignatureRejected("X-Signature is not the channel's HMAC-SHA1 of the body")
    target = await _target(request, session, token)
    try:
        delivery = parse_chat_delivery(body, target.account_id, target.identity)
    except WebhookRejected as exc:
        return await _rejected(request, session, target, body, str(exc))
    if target.amojo_id and delivery.amojo_account_id != target.amojo_id:
        raise WebhookAccountMismatch("The message is for another Kommo account")
    return await _store(request, session, token, target, [delivery.event])


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
