"""Automation test helpers: a workspace, rules and sequences through the services, events."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from agentplatform.automation import rules_service, sequences_service
from agentplatform.automation.models import AutomationRule, AutomationSequence
from agentplatform.automation.schemas import (
    AutomationEvent,
    RuleCreate,
    SequenceCreate,
    TriggerKind,
)
from agentplatform.core.settings import Settings
from agentplatform.tenancy.models import Tenant
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_owner
from tests.kommo.support import Receiver

WEEKDAYS_9_TO_6 = {
    "days": {d: [{"start": "09:00", "end": "18:00"}] for d in ("mon", "tue", "wed", "thu", "fri")}
}


@pytest.fixture
def automation_settings(settings: Settings) -> Settings:
    """Webhooks may call the local receiver."""
    return settings.model_copy(update={"url_fetch_allow_private": True})


@pytest.fixture(scope="session")
def receiver_session() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def receiver(receiver_session: Receiver) -> Iterator[Receiver]:
    receiver_session.reset()
    yield receiver_session
    receiver_session.reset()


async def workspace(session: AsyncSession, timezone: str = "UTC") -> uuid.UUID:
    tenant_id = (await create_owner(session)).tenant.id
    await session.execute(update(Tenant).where(Tenant.id == tenant_id).values(timezone=timezone))
    await session.commit()
    return tenant_id


async def rule(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    trigger: dict[str, Any] | str,
    actions: list[dict[str, Any]] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> AutomationRule:
    body = {
        "name": extra.pop("name", "Rule"),
        "trigger": {"kind": trigger} if isinstance(trigger, str) else trigger,
        "conditions": conditions or [],
        "actions": actions or [{"kind": "add_note", "text": "Hello {{lead.name}}"}],
        **extra,
    }
    return await rules_service.create_rule(
        session, settings, tenant_id, RuleCreate.model_validate(body), "test"
    )


async def sequence(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    steps: list[dict[str, Any]],
    **extra: Any,
) -> AutomationSequence:
    body = {"name": extra.pop("name", "Follow-up"), "steps": steps, **extra}
    return await sequences_service.create_sequence(
        session, settings, tenant_id, SequenceCreate.model_validate(body), "test"
    )


def event(tenant_id: uuid.UUID, kind: TriggerKind | str, **values: Any) -> AutomationEvent:
    values.setdefault("lead_id", 501)
    return AutomationEvent(tenant_id=tenant_id, kind=TriggerKind(kind), **values)
