"""Token accounting: every LLM and embedding call is recorded; a monthly budget is enforced."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.ai.models import AiSettings, AiUsage, UsageOperation
from agentplatform.ai.schemas import UsageDay
from agentplatform.core.db import utcnow
from agentplatform.core.errors import ProblemError


class TokenBudgetExceeded(ProblemError):
    status = 429
    code = "token-budget-exceeded"
    title = "The workspace has used its monthly token budget"

    def __init__(self, used: int, budget: int, retry_after: int) -> None:
        super().__init__(
            f"{used} of {budget} tokens used this month; raise the budget in the AI settings "
            "or wait for the next month",
            headers={"Retry-After": str(max(1, retry_after))},
        )


def month_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def next_month_start(now: datetime) -> datetime:
    start = month_start(now)
    return (start + timedelta(days=32)).replace(day=1)


# Served on this machine (offline responder, local embeddings): recorded, but they cost nothing.
LOCAL_PROVIDERS = ("offline", "local")


async def tokens_this_month(session: AsyncSession, tenant_id: uuid.UUID) -> int:
    """Tokens sent to and received from AI providers since the first of the month (UTC)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(AiUsage.tokens_in + AiUsage.tokens_out), 0)).where(
            AiUsage.tenant_id == tenant_id,
            AiUsage.created_at >= month_start(utcnow()),
            AiUsage.provider.notin_(LOCAL_PROVIDERS),
        )
    )
    return int(total or 0)


async def check_budget(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    """Refuses a call once the month's tokens reach the budget (none set: no limit)."""
    budget = await session.scalar(
        select(AiSettings.monthly_token_budget).where(AiSettings.tenant_id == tenant_id)
    )
    if budget is None:
        return
    used = await tokens_this_month(session, tenant_id)
    if used >= budget:
        now = utcnow()
        raise TokenBudgetExceeded(used, budget, int((next_month_start(now) - now).total_seconds()))


@dataclass(frozen=True)
class Metered:
    """One call to a model as it is booked: who served it and what it took."""

    provider: str  # a provider's name, or "local" / "offline"
    model: str
    tokens_in: int
    tokens_out: int = 0
    latency_ms: int = 0


async def record(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    operation: UsageOperation,
    call: Metered,
    *,
    agent_id: uuid.UUID | None = None,
    ok: bool = True,
    error_code: str | None = None,
) -> None:
    session.add(
        AiUsage(
            tenant_id=tenant_id,
            agent_id=agent_id,
            operation=operation,
            provider=call.provider,
            model=call.model,
            tokens_in=call.tokens_in,
            tokens_out=call.tokens_out,
            latency_ms=call.latency_ms,
            ok=ok,
            error_code=error_code,
            created_at=utcnow(),
        )
    )
    await session.flush()


async def daily_usage(
    session: AsyncSession, tenant_id: uuid.UUID, since: date, until: date
) -> list[UsageDay]:
    """Per UTC day, model and operation: calls, errors, tokens and mean latency."""
    rows = await session.execute(
        select(
            func.date(func.timezone("UTC", AiUsage.created_at)).label("day"),
            AiUsage.provider,
            AiUsage.model,
            AiUsage.operation,
            func.count().label("calls"),
            func.count().filter(AiUsage.ok.is_(False)).label("errors"),
            func.coalesce(func.sum(AiUsage.tokens_in), 0).label("tokens_in"),
            func.coalesce(func.sum(AiUsage.tokens_out), 0).label("tokens_out"),
            cast(func.coalesce(func.avg(AiUsage.latency_ms), 0), Integer).label("avg_latency_ms"),
        )
        .where(
            AiUsage.tenant_id == tenant_id,
            AiUsage.created_at >= datetime.combine(since, datetime.min.time(), UTC),
            AiUsage.created_at
            < datetime.combine(until + timedelta(days=1), datetime.min.time(), UTC),
        )
        .group_by("day", AiUsage.provider, AiUsage.model, AiUsage.operation)
        .order_by("day", AiUsage.provider, AiUsage.model, AiUsage.operation)
    )
    return [
        UsageDay(
            day=row.day,
            provider=row.provider,
            billable=row.provider not in LOCAL_PROVIDERS,
            model=row.model,
            operation=row.operation.value,
            calls=row.calls,
            errors=row.errors,
            tokens_in=int(row.tokens_in),
            tokens_out=int(row.tokens_out),
            avg_latency_ms=int(row.avg_latency_ms),
        )
        for row in rows
    ]
