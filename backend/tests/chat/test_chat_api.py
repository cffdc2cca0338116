"""The chat API end to end: offline answers with citations from uploaded documents, the test
mode's context inspection, conversations kept and continued, contacts found by external id and
forgotten with everything they said."""

from __future__ import annotations

import uuid

from agentplatform.core.settings import Settings
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import create_agent_via_api as agent
from tests.factories import signed_in_workspace as workspace
from tests.worker_support import indexed_text_documents

CATALOGUE = """# Acme Corp catalogue

Acme Corp supplies Bracket X to Globex Inc.

## Bracket X

- Price: $49
- Warranty: 2 years
"""
RETURNS = "# Returns\n\nUnused items can be returned within 30 days for a full refund."
QUESTION = "How much does the Bracket X cost?"


async def documents(client: AsyncClient, base: str, settings: Settings) -> dict[str, str]:
    documents = {"Catalogue": CATALOGUE, "Returns": RETURNS}
    return await indexed_text_documents(client, base, settings, documents)


async def test_an_offline_answer_cites_the_passage_and_test_mode_shows_the_context(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base, _ = await workspace(live_client, engine)
    ids = await documents(live_client, base, live_settings)
    ana = await agent(live_client, base)
    url = f"{base}/agents/{ana['id']}/chat"

    response = await live_client.post(url, json={"message": QUESTION, "mode": "test"})
    assert response.status_code == 200, response.text
    reply = response.json()
    message = reply["message"]
    assert (message["role"], message["status"], message["offline"]) == (
        "assistant",
        "complete",
        True,
    )
    assert message["provider"] == "offline"
    assert "$49" in message["content"]
    assert message["citations"], message
    cited = message["citations"][0]
    assert (cited["document_id"], cited["document_title"]) == (ids["Catalogue"], "Catalogue")
    assert "$49" in cited["quote"]
    context = reply["context"]
    assert context["total_tokens"] <= context["budget"]
    assert context["exact"] is False  # no OpenAI model: o200k_base as an estimate
    names = {s["name"] for s in context["sections"]}
    assert {"instructions", "knowledge", "facts", "history", "message"} <= names
    knowledge = next(s for s in context["sections"] if s["name"] == "knowledge")
    assert [i["id"] for i in knowledge["items"]] == [p["chunk_id"] for p in context["passages"]]
    assert any(p["cited"] for p in context["passages"]) or all(f["used"] for f in context["facts"])
    assert message["latency"]["total_ms"] >= message["latency"]["retrieval_ms"]

    conversation = await live_client.get(f"{base}/conversations/{reply['conversation_id']}")
    assert conversation.status_code == 200
    stored = conversation.json()
    assert (stored["channel"], stored["status"], stored["message_count"]) == ("test", "open", 2)
    assert [m["role"] for m in stored["messages"]] == ["user", "assistant"]
    assert stored["messages"][1]["citations"] == message["citations"]

    live = await live_client.post(url, json={"message": QUESTION})
    assert live.json()["context"] is None


async def test_a_conversation_continues_with_its_history_and_a_contact_by_external_id(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base, _ = await workspace(live_client, engine)
    await documents(live_client, base, live_settings)
    ana = await agent(live_client, base)
    url = f"{base}/agents/{ana['id']}/chat"
    contact = {"external_id": "crm-42", "name": "Maria", "email": "maria@example.com"}

    first = (await live_client.post(url, json={"message": "Hello", "contact": contact})).json()
    again = await live_client.post(
        url,
        json={
            "message": "Can I return it?",
            "conversation_id": first["conversation_id"],
            "contact": {"external_id": "crm-42"},
            "mode": "test",
        },
    )
    assert again.status_code == 200, again.text
    assert again.json()["conversation_id"] == first["conversation_id"]
    history = next(s for s in again.json()["context"]["sections"] if s["name"] == "history")
    assert [i["id"] for i in history["items"]] == [
        first["user_message_id"],
        first["message"]["id"],
    ]
    assert "30 days" in again.json()["message"]["content"]

    contacts = (await live_client.get(f"{base}/contacts")).json()
    assert contacts["total"] == 1
    maria = contacts["items"][0]
    assert (maria["name"], maria["email"]) == ("Maria", "maria@example.com")
    assert maria["external_ids"] == [{"system": "api", "external_id": "crm-42"}]
    listed = await live_client.get(f"{base}/conversations", params={"contact_id": maria["id"]})
    assert [c["id"] for c in listed.json()["items"]] == [first["conversation_id"]]
    assert listed.json()["items"][0]["message_count"] == 4

    assert (await live_client.delete(f"{base}/contacts/{maria['id']}")).status_code == 204
    gone = await live_client.get(f"{base}/conversations/{first['conversation_id']}")
    assert gone.status_code == 404
    assert (await live_client.get(f"{base}/contacts")).json()["total"] == 0


async def test_bad_turns_are_refused_with_the_field(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base, _ = await workspace(live_client, engine)
    ana = await agent(live_client, base)
    bob = await agent(live_client, base, name="Bob")
    url = f"{base}/agents/{ana['id']}/chat"

    empty = await live_client.post(url, json={"message": ""})
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["loc"] == ["body", "message"]
    nobody = await live_client.post(url, json={"message": "hi", "contact": {"name": "X"}})
    assert nobody.status_code == 422
    unknown = await live_client.post(
        url, json={"message": "hi", "conversation_id": str(uuid.uuid4())}
    )
    assert unknown.status_code == 404
    first = (await live_client.post(url, json={"message": "hi"})).json()
    other = await live_client.post(
        f"{base}/agents/{bob['id']}/chat",
        json={"message": "hi", "conversation_id": first["conversation_id"]},
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["loc"] == ["body", "conversation_id"]
    missing = await live_client.post(f"{base}/agents/{uuid.uuid4()}/chat", json={"message": "hi"})
    assert missing.status_code == 404
