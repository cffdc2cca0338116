"""Each condition kind, held and not held, as a rule run records it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from agentplatform.agents.schemas import AgentConfig
from agentplatform.agents.service import create_agent
from agentplatform.automation.classify import keyword_label, offline_label
from agentplatform.automation.engine import handle_event
from agentplatform.automation.models import RunOutcome
from agentplatform.chat.models import Channel, Conversation, ConversationStatus
from agentplatform.core.settings import Settings
from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession

from tests.automation.conftest import WEEKDAYS_9_TO_6, event, rule, workspace

# Friday 4 Dec 2026, 13:30 UTC = 10:30 in São Paulo; Saturday 5 Dec, 13:30 UTC.
FRIDAY = datetime(2026, 12, 4, 13, 30, tzinfo=UTC)
SATURDAY = datetime(2026, 12, 5, 13, 30, tzinfo=UTC)
PRICE = {"name": "asks for price", "hints": ["how much", "price", "cost"]}
PERSON = {"name": "wants a person", "hints": ["human", "manager", "call me"]}

CASES: list[tuple[dict[str, Any], dict[str, Any], bool]] = [
    ({"kind": "pipeline_stage", "pipeline_ids": [1], "status_ids": [10]}, {}, True),
    ({"kind": "pipeline_stage", "pipeline_ids": [2]}, {}, False),
    ({"kind": "pipeline_stage", "status_ids": [11]}, {}, False),
    ({"kind": "field", "field_id": "city", "op": "equals", "value": "lima"}, {}, True),
    ({"kind": "field", "field_id": "city", "op": "equals", "value": "Quito"}, {}, False),
    ({"kind": "field", "field_id": "plan", "op": "contains", "value": "pro"}, {}, True),
    ({"kind": "field", "field_id": "plan", "op": "in", "value": ["Basic", "Team"]}, {}, False),
    ({"kind": "field", "field_id": "plan", "op": "in", "value": ["Enterprise pro"]}, {}, True),
    ({"kind": "field", "field_id": "missing", "op": "equals", "value": "x"}, {}, False),
    (
        {"kind": "field", "field_id": "budget", "op": "equals", "value": "900"},
        {"field_changes": [{"field_id": "budget", "old": "100", "new": "900"}]},
        True,
    ),
    ({"kind": "has_tag", "tag": "VIP"}, {}, True),
    ({"kind": "has_tag", "tag": "cold"}, {}, False),
    ({"kind": "lacks_tag", "tag": "cold"}, {}, True),
    ({"kind": "lacks_tag", "tag": "vip"}, {}, False),
    ({"kind": "responsible_in", "user_ids": [5, 6]}, {}, True),
    ({"kind": "responsible_in", "user_ids": [7]}, {}, False),
    ({"kind": "time_of_day", "start": "09:00", "end": "12:00"}, {}, True),
    ({"kind": "time_of_day", "start": "09:00", "end": "12:00", "days": ["sat"]}, {}, False),
    ({"kind": "time_of_day", "start": "22:00", "end": "06:00"}, {}, False),
    ({"kind": "working_hours", "working_hours": WEEKDAYS_9_TO_6}, {}, True),
    (
        {"kind": "working_hours", "working_hours": WEEKDAYS_9_TO_6},
        {"occurred_at": SATURDAY},
        False,
    ),
    (
        {"kind": "working_hours", "working_hours": WEEKDAYS_9_TO_6, "inside": False},
        {"occurred_at": SATURDAY},
        True,
    ),
    (
        {"kind": "classification", "labels": [PRICE, PERSON], "label": "asks for price"},
        {"text": "Hola! How much is the premium plan?"},
        True,
    ),
    (
        {"kind": "classification", "labels": [PRICE, PERSON], "label": "asks for price"},
        {"text": "Please have a manager call me"},
        False,
    ),
    (
        {"kind": "classification", "labels": [PRICE], "label": "asks for price"},
        {},
        False,
    ),
]


@pytest.mark.parametrize(("condition", "values", "passed"), CASES)
async def test_each_condition_kind_is_recorded_with_its_outcome(
    db: AsyncSession,
    settings: Settings,
    redis: ArqRedis,
    condition: dict[str, Any],
    values: dict[str, Any],
    passed: bool,
) -> None:
    tenant_id = await workspace(db, "America/Sao_Paulo")
    await rule(db, settings, tenant_id, "incoming_message", conditions=[condition])
    facts: dict[str, Any] = {
        "pipeline_id": 1,
        "status_id": 10,
        "tags": ["vip", "new"],
        "fields": {"city": "Lima", "plan": "Enterprise Pro"},
        "responsible_user_id": 5,
        "occurred_at": FRIDAY,
    }
    [run] = await handle_event(
        db, settings, redis, event(tenant_id, "incoming_message", **(facts | values))
    )
    [checked] = run.conditions
    assert checked["kind"] == condition["kind"]
    assert checked["passed"] is passed, checked
    assert run.outcome is (RunOutcome.matched if passed else RunOutcome.not_matched)
    assert bool(run.actions) is passed


async def _conversation(
    db: AsyncSession, tenant_id: uuid.UUID, lead_id: int, status: ConversationStatus
) -> Conversation:
    agent = await create_agent(db, tenant_id, AgentConfig(name="Ana"), "test")
    conversation = Conversation(
        tenant_id=tenant_id,
        agent_id=agent.id,
        channel=Channel.kommo,
        status=status,
        external_lead_id=str(lead_id),
        external_talk_id=f"talk-{lead_id}",
    )
    db.add(conversation)
    await db.flush()
    return conversation


async def test_handed_off_reads_the_leads_conversation(
    db: AsyncSession, settings: Settings, redis: ArqRedis
) -> None:
    tenant_id = await workspace(db)
    await _conversation(db, tenant_id, 41, ConversationStatus.handed_off)
    await _conversation(db, tenant_id, 42, ConversationStatus.open)
    await rule(db, settings, tenant_id, "lead_added", conditions=[{"kind": "handed_off"}])
    await rule(
        db,
        settings,
        tenant_id,
        "lead_added",
        conditions=[{"kind": "handed_off", "value": False}],
        name="not handed off",
    )
    for lead_id, expected in ((41, [True, False]), (42, [False, True]), (43, [False, True])):
        runs = await handle_event(
            db, settings, redis, event(tenant_id, "lead_added", lead_id=lead_id)
        )
        assert [r.conditions[0]["passed"] for r in runs] == expected, lead_id


def test_keywords_choose_the_label_with_most_hits_accents_and_case_aside() -> None:
    labels = [PRICE, PERSON, {"name": "cotización", "hints": ["precio", "cuánto cuesta"]}]
    assert keyword_label("HOW MUCH does it COST?", labels).label == "asks for price"  # type: ignore[union-attr]
    assert keyword_label("Cuanto cuesta? el precio", labels).label == "cotización"  # type: ignore[union-attr]
    assert keyword_label("pricey", labels) is None  # whole words only


async def test_without_keywords_the_local_embedder_decides_by_similarity(
    settings: Settings,
) -> None:
    labels = [
        {"name": "shipping", "hints": ["delivery of the order", "when will my package arrive"]},
        {"name": "refund", "hints": ["give me my money back"]},
    ]
    near = await offline_label(settings, "Where is my parcel? It has not come yet", labels, 0.3)
    assert (near.label, near.method) == ("shipping", "similarity")
    far = await offline_label(settings, "Quantum chromodynamics lecture notes", labels, 0.9)
    assert far.label is None
