"""A test chat "as a Kommo lead" through the API with the real `openai` SDK against the local
compatible server: the lead's CRM facts reach the model, the agent's actions are dry runs against
that lead (nothing changes in Kommo), and an injected instruction cannot move the lead."""

from __future__ import annotations

import json
import uuid
from typing import Any

from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.connection.models import AuthKind
from agentplatform.kommo.connection.service import save_connection
from agentplatform.kommo.simulator import KommoSimulator
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.chat.test_chat_tools import INJECTION
from tests.factories import add_compatible_provider
from tests.factories import create_agent_via_api as agent
from tests.factories import signed_in_workspace as workspace
from tests.kommo.test_kommo_actions import first_lead, stage_id, writes
from tests.simulators.openai_compatible import OpenAISimulator, ScriptedToolCall
from tests.worker_support import run_burst


async def _connect(
    engine: AsyncEngine,
    settings: Settings,
    tenant_id: uuid.UUID,
    kommo: KommoSimulator,
    client: KommoClient,
) -> None:
    async with create_sessionmaker(engine)() as session:
        await save_connection(
            session,
            settings,
            tenant_id,
            base_url=kommo.base_url,
            account=await client.account(),
            auth_kind=AuthKind.long_lived,
            access_token=kommo.token,
        )
        await session.commit()


def _system_prompt(server: OpenAISimulator, request: int = 0) -> str:
    body = server.requests_to("/v1/chat/completions")[request].body
    content: str = body["messages"][0]["content"]
    return content


async def test_a_test_chat_as_a_lead_sees_its_facts_and_dry_runs_its_actions(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    openai_server: OpenAISimulator,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    base, tenant_id = await workspace(live_client, engine)
    await _connect(engine, live_settings, tenant_id, kommo, kommo_client)
    provider_id = await add_compatible_provider(
        live_client, base, openai_server.base_url, openai_server.api_key
    )
    ana = await agent(live_client, base, provider_id=provider_id, tools=["move_stage", "add_tags"])
    lead = first_lead(kommo)
    openai_server.reply_tool_call("move_stage", {"stage": "Proposal"})
    openai_server.reply_tool_call("move_stage", {"stage": "Won"})
    openai_server.reply_tool_call("add_tags", {"tags": ["hot"]})
    openai_server.reply("I have noted your interest.")
    url = f"{base}/agents/{ana['id']}/chat"
    before = writes(kommo)

    response = await live_client.post(
        url, json={"message": "I want the offer", "mode": "test", "kommo_lead_id": lead["id"]}
    )
    assert response.status_code == 200, response.text
    reply = response.json()
    facts = reply["context"]["crm_facts"]
    assert "Pipeline: Sales; stage: Qualification" in facts
    assert "Main contact: Jane Client" in facts
    assert "- Pipeline: Sales; stage: Qualification" in _system_prompt(openai_server)

    moved, unknown, tagged = reply["message"]["tool_calls"]
    assert moved["action"]["outcome"] == "dry_run"
    assert moved["action"]["request"] == {
        "method": "PATCH",
        "path": f"/api/v4/leads/{lead['id']}",
        "json": {"status_id": stage_id(kommo, "Proposal"), "pipeline_id": lead["pipeline_id"]},
    }
    assert (unknown["status"], unknown["action"]["outcome"]) == ("failed", "failed")
    assert unknown["result"].startswith('No stage "Won" in the pipeline "Sales"')
    assert tagged["action"]["request"]["json"] == {
        "_embedded": {
            "tags": [{"id": lead["_embedded"]["tags"][0]["id"], "name": "website"}, {"name": "hot"}]
        }
    }
    assert writes(kommo) == before  # nothing was changed in Kommo
    assert first_lead(kommo)["status_id"] == lead["status_id"]

    conversation = await live_client.get(f"{base}/conversations/{reply['conversation_id']}")
    assert conversation.json()["external_lead_id"] == str(lead["id"])
    openai_server.reply("Anything else?")
    follow_up = await live_client.post(
        url,
        json={"message": "Thanks", "mode": "test", "conversation_id": reply["conversation_id"]},
    )
    assert follow_up.status_code == 200, follow_up.text
    assert "Tags: website" in follow_up.json()["context"]["crm_facts"]  # still that lead


async def test_a_lead_binds_test_chats_only_and_needs_a_connected_crm(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    base, tenant_id = await workspace(live_client, engine)
    ana = await agent(live_client, base)
    url = f"{base}/agents/{ana['id']}/chat"
    lead_id = first_lead(kommo)["id"]

    def error(response: Any) -> tuple[int, list[str], str]:
        first = response.json()["errors"][0]
        return response.status_code, first["loc"], first["code"]

    body = {"message": "Hi", "mode": "test", "kommo_lead_id": lead_id}
    unconnected = await live_client.post(url, json=body)
    assert error(unconnected) == (422, ["body", "kommo_lead_id"], "not_connected")
    await _connect(engine, live_settings, tenant_id, kommo, kommo_client)
    live = await live_client.post(url, json={**body, "mode": "live"})
    assert error(live) == (422, ["body", "kommo_lead_id"], "test_only")
    negative = await live_client.post(url, json={**body, "kommo_lead_id": 0})
    assert negative.status_code == 422
    first = await live_client.post(url, json=body)
    assert first.status_code == 200, first.text
    other = await live_client.post(
        url,
        json={
            **body,
            "kommo_lead_id": lead_id + 1,
            "conversation_id": first.json()["conversation_id"],
        },
    )
    assert error(other) == (422, ["body", "kommo_lead_id"], "wrong_lead")


async def test_an_injected_document_cannot_move_the_lead(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    openai_server: OpenAISimulator,
    kommo: KommoSimulator,
    kommo_client: KommoClient,
) -> None:
    base, tenant_id = await workspace(live_client, engine)
    await _connect(engine, live_settings, tenant_id, kommo, kommo_client)
    created = await live_client.post(
        f"{base}/knowledge/documents/text", json={"title": "Shipping", "text": INJECTION}
    )
    assert created.status_code == 201
    await run_burst(live_settings)
    provider_id = await add_compatible_provider(
        live_client, base, openai_server.base_url, openai_server.api_key
    )
    ana = await agent(live_client, base, provider_id=provider_id, tools=["knowledge_search"])
    lead = first_lead(kommo)
    # A model that fell for the document and calls a tool it was never offered.
    openai_server.reply_tool_calls(ScriptedToolCall("move_stage", json.dumps({"stage": "Won"})))
    openai_server.reply("Shipping is free above 100 EUR [1].")
    before = writes(kommo)
    reply = (
        await live_client.post(
            f"{base}/agents/{ana['id']}/chat",
            json={"message": "Is shipping free?", "mode": "test", "kommo_lead_id": lead["id"]},
        )
    ).json()
    (run,) = reply["message"]["tool_calls"]
    assert (run["name"], run["status"], "action" in run) == ("move_stage", "refused", False)
    assert writes(kommo) == before
    assert first_lead(kommo)["status_id"] == lead["status_id"]
