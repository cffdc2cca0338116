"""HTTP routes of the workspace's Slack target: status, set, remove, send a test message."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from agentplatform.core.app_state import app_settings
from agentplatform.core.db import SessionDep
from agentplatform.core.errors import (
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    problem_responses,
)
from agentplatform.kommo.deps import IntegrationsRead, IntegrationsWrite
from agentplatform.notifications import service
from agentplatform.notifications.schemas import SlackConfigure, SlackStatus, SlackTestResult

router = APIRouter(prefix="/tenants/{tenant_id}/integrations/slack", tags=["slack"])

READ_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, RateLimited)
WRITE_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, ValidationFailed, RateLimited)


@router.get("", response_model=SlackStatus, responses=READ_ERRORS)
async def get_slack(ctx: IntegrationsRead, session: SessionDep) -> SlackStatus:
    """Whether Slack is set, how (never the secret), and how the last delivery went."""
    return await service.get_status(session, ctx.tenant_id)


@router.put("", response_model=SlackStatus, responses=WRITE_ERRORS)
async def put_slack(
    body: SlackConfigure, ctx: IntegrationsWrite, session: SessionDep, request: Request
) -> SlackStatus:
    """Sets the Slack target: an incoming webhook, or a bot token and a channel."""
    row = await service.configure(
        session, app_settings(request), ctx.tenant_id, body, ctx.user.id if ctx.user else None
    )
    return service.status_of(row)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
async def delete_slack(ctx: IntegrationsWrite, session: SessionDep) -> None:
    """Removes the Slack target (and its secret); nothing is posted any more."""
    await service.remove(session, ctx.tenant_id)


@router.post("/test", response_model=SlackTestResult, responses=WRITE_ERRORS)
async def test_slack(
    ctx: IntegrationsWrite, session: SessionDep, request: Request
) -> SlackTestResult:
    """Posts a test message now and answers what Slack said."""
    answer = await service.send_test(session, app_settings(request), ctx.tenant_id)
    return SlackTestResult(
        ok=answer.ok, slack_status=answer.status, error=answer.error, detail=answer.detail
    )
