"""What rules and sequences share: their actions as stored (a webhook's secret encrypted, kept
across edits that do not give it again), the check that what they name exists, the secret
left out of what is shown, and revisions (the whole definition after each change)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.automation.models import AutomationSequence
from agentplatform.automation.schemas import (
    SECRET,
    StartSequenceAction,
    StopSequenceAction,
    WebhookAction,
)
from agentplatform.core.errors import FieldError, ValidationFailed
from agentplatform.core.scoped import scoped
from agentplatform.core.settings import Settings
from agentplatform.kommo.connection.service import box


def stored_actions(
    actions: Sequence[BaseModel], settings: Settings, previous: Sequence[dict[str, Any]] = ()
) -> list[dict[str, Any]]:
    """The actions as JSON to store: a webhook's secret encrypted; a webhook given again
    without its secret keeps the one stored for the same URL at the same place."""
    out = []
    for index, action in enumerate(actions):
        data = action.model_dump(mode="json", exclude={"secret"})
        if isinstance(action, WebhookAction):
            if action.secret is not None:
                data[SECRET] = box(settings).encrypt(action.secret.get_secret_value())
            elif (
                index < len(previous)
                and previous[index].get("url") == data["url"]
                and previous[index].get(SECRET)
            ):
                data[SECRET] = previous[index][SECRET]
        out.append(data)
    return out


async def check_sequences(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    located: Sequence[tuple[str, Sequence[BaseModel]]],
) -> None:
    """A 422 naming each action that refers to a sequence the workspace does not have."""
    wanted: list[tuple[str, uuid.UUID]] = []
    for where, actions in located:
        for index, action in enumerate(actions):
            if isinstance(action, StartSequenceAction | StopSequenceAction) and action.sequence_id:
                wanted.append((f"{where}.{index}.sequence_id", action.sequence_id))
    if not wanted:
        return
    found = set(
        await session.scalars(
            scoped(select(AutomationSequence.id), AutomationSequence, tenant_id).where(
                AutomationSequence.id.in_({sequence_id for _, sequence_id in wanted})
            )
        )
    )
    missing = [(where, sid) for where, sid in wanted if sid not in found]
    if missing:
        raise ValidationFailed(
            "An action refers to a sequence this workspace does not have",
            errors=[
                FieldError.at(where, f"no sequence {sid}", "unknown_sequence")
                for where, sid in missing
            ],
        )


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in after if before.get(name) != after[name]]
