"""The `kommo_action` rows: what was sent under which idempotency key, so a key is sent once.

`claim` inserts the key's row (or finds it) and locks it for the rest of the transaction: a
second run of the same key waits for the first to commit, then sees it done and sends nothing.
A key whose earlier run failed may run again.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.kommo.actions.models import ActionOutcome, KommoAction
from agentplatform.kommo.client import (
    KommoBadRequest,
    KommoError,
    KommoForbidden,
    KommoIPBlocked,
    KommoNotFound,
    KommoPaymentRequired,
    KommoRateLimited,
    KommoUnauthorized,
    KommoUnavailable,
)


async def done_before(session: AsyncSession, tenant_id: uuid.UUID, key: str) -> KommoAction | None:
    row = await session.scalar(
        select(KommoAction).where(
            KommoAction.tenant_id == tenant_id, KommoAction.idempotency_key == key
        )
    )
    return row if row is not None and row.outcome is ActionOutcome.done else None


async def claim(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    key: str,
    kind: str,
    lead_id: int | None,
    request: dict[str, Any],
) -> tuple[KommoAction, bool]:
    """The key's row, locked, and whether it was done already (then send nothing)."""
    await session.execute(
        insert(KommoAction)
        .values(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            lead_id=lead_id,
            kind=kind,
            idempotency_key=key,
            request=request,
            response={},
            outcome=ActionOutcome.pending,
            detail="",
        )
        .on_conflict_do_nothing(constraint="uq_kommo_action_key")
    )
    row = await session.scalar(
        select(KommoAction)
        .where(KommoAction.tenant_id == tenant_id, KommoAction.idempotency_key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None, "the row was inserted or found above"
    if row.outcome is ActionOutcome.done:
        return row, True
    row.kind, row.lead_id, row.request = kind, lead_id, request
    row.outcome, row.detail = ActionOutcome.pending, ""
    return row, False


async def finish(
    session: AsyncSession,
    row: KommoAction,
    outcome: ActionOutcome,
    detail: str,
    response: Any = None,
) -> None:
    row.outcome, row.detail = outcome, detail
    row.response = response if isinstance(response, dict) else {"body": response}
    await session.flush()


def kommo_failure(exc: KommoError) -> str:
    """A Kommo error as a sentence for the agent and the person reading the log."""
    said = f": {exc.detail}" if exc.detail else ""
    if exc.field_errors:
        said = ": " + "; ".join(f"{e.path} {e.detail}" for e in exc.field_errors[:5])
    if isinstance(exc, KommoUnauthorized):
        return "Kommo refused our access (the connection was revoked): reconnect Kommo"
    if isinstance(exc, KommoIPBlocked):
        return "Kommo is blocking requests from our address for now; nothing was changed"
    if isinstance(exc, KommoRateLimited | KommoUnavailable):
        return f"Kommo is unavailable or busy, nothing was changed; try again later{said}"
    if isinstance(exc, KommoNotFound):
        return f"Not found in Kommo{said}"
    if isinstance(exc, KommoPaymentRequired):
        return "The Kommo account is not paid: Kommo accepts no changes"
    if isinstance(exc, KommoForbidden):
        return f"Kommo refused the action (missing rights){said}"
    if isinstance(exc, KommoBadRequest):
        return f"Kommo rejected the request{said}"
    return f"Kommo answered with an error{said}"
