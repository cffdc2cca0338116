"""Rules reacting to what Kommo posts: a lead moved by a person in Kommo reaches a stage_changed
rule through the webhook intake and the real worker, once for a retried delivery, and the rule's
note lands on the simulator's lead."""

from __future__ import annotations

from agentplatform.automation.models import RuleRun, RunOutcome
from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.simulator import KommoSimulator
from agentplatform.kommo.simulator.events import lead_event, webhook_body
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.automation.conftest import rule
from tests.kommo.intake_support import connect_workspace
from tests.worker_support import run_burst

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def test_a_stage_change_posted_by_kommo_runs_the_rule_once(
    live_client: AsyncClient,
    live_settings: Settings,
    engine: AsyncEngine,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    connected = await connect_workspace(engine, live_settings, kommo, kommo_client)
    tenant_id = connected.owner.tenant.id
    pipeline = kommo.state.main_pipeline()
    proposal = next(s for s in pipeline["_embedded"]["statuses"] if s["name"] == "Proposal")
    maker = create_sessionmaker(engine)
    async with maker() as session:
        await rule(
            session,
            live_settings,
            tenant_id,
            "stage_changed",
            actions=[{"kind": "add_note", "text": "Send {{lead.name}} the price list"}],
            conditions=[
                {
                    "kind": "pipeline_stage",
                    "pipeline_ids": [pipeline["id"]],
                    "status_ids": [proposal["id"]],
                }
            ],
        )
        await session.commit()

    lead = next(iter(kommo.state.entities["leads"].values()))
    manager = max(kommo.state.users)  # not the admin our token acts as: a person's change
    moved = lead_event("status", {**lead, "status_id": proposal["id"], "updated_by": manager}, lead)
    body = webhook_body(kommo.state, kommo.base_url, [moved])
    for _ in range(2):  # a retried delivery is one event
        assert (await live_client.post(connected.url, content=body, headers=FORM)).is_success
    await run_burst(live_settings)

    async with maker() as session:
        runs = list(await session.scalars(select(RuleRun).where(RuleRun.tenant_id == tenant_id)))
    assert [run.outcome for run in runs] == [RunOutcome.matched]
    assert runs[0].lead_id == lead["id"]
    notes = [
        n
        for n in kommo.state.notes.values()
        if n["_entity"] == "leads" and n["entity_id"] == lead["id"]
    ]
    assert [n["params"]["text"] for n in notes] == [f"Send {lead['name']} the price list"]
