"""The knowledge part of the context builder: passages and graph facts for a question, only from
what the agent may read; the agent preview looks them up, answers from them and says which it
used."""

from __future__ import annotations

from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from agentplatform.knowledge.context import knowledge_context, names_in
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import add_compatible_provider, create_agent_via_api, signed_in_workspace
from tests.simulators.openai_compatible import OpenAISimulator
from tests.worker_support import indexed_text_documents

CATALOGUE = """# Acme Corp catalogue

Acme Corp supplies Bracket X to Globex Inc.

## Bracket X

- Price: $49
- Warranty: 2 years
"""
RESELLER = "# Initech Ltd\n\nInitech Ltd resells Bracket X in Spain. Delivery takes five days."
QUESTION = "How much does the Bracket X cost?"


def test_names_in_a_question() -> None:
    names = names_in("What does Acme Corp's bracket x cost? Is it $49? Ask sales@acme.example")
    assert {"acme corp", "bracket x", "usd 49", "sales@acme.example"} <= set(names)
    assert not {"what", "is", "it", "does"} & set(names)
    assert names == names_in(
        "What does Acme Corp's bracket x cost? Is it $49? Ask sales@acme.example"
    )


async def _documents(client: AsyncClient, base: str, settings: Settings) -> dict[str, str]:
    documents = {"Catalogue": CATALOGUE, "Reseller": RESELLER}
    return await indexed_text_documents(client, base, settings, documents)


async def test_passages_and_facts_come_from_the_readable_documents_only(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base, tenant_id = await signed_in_workspace(live_client, engine)
    ids = await _documents(live_client, base, live_settings)
    async with create_sessionmaker(engine)() as session:
        everything = await knowledge_context(
            session, live_settings, tenant_id, query=QUESTION, knowledge_scope={"all": True}
        )
        catalogue_only = await knowledge_context(
            session,
            live_settings,
            tenant_id,
            query=QUESTION,
            knowledge_scope={"all": False, "document_ids": [ids["Catalogue"]]},
        )
        nothing = await knowledge_context(
            session, live_settings, tenant_id, query=QUESTION, knowledge_scope={"all": False}
        )

    facts = {f.text for f in everything.facts}
    assert {
        "Bracket X — price → $49",
        "Bracket X — warranty → 2 years",
        "Acme Corp — supplies → Bracket X",
        "Initech Ltd — resells → Bracket X",
    } <= facts
    assert "Bracket X" in everything.passages[0].text
    assert {p.document_title for p in everything.passages} == {"Catalogue", "Reseller"}

    assert {str(p.document_id) for p in catalogue_only.passages} == {ids["Catalogue"]}
    assert {str(f.document_id) for f in catalogue_only.facts} == {ids["Catalogue"]}
    price = next(f for f in catalogue_only.facts if f.predicate == "price")
    assert (price.subject, price.object, price.document_title) == ("Bracket X", "$49", "Catalogue")
    chunks = await live_client.get(f"{base}/knowledge/documents/{ids['Catalogue']}/chunks")
    assert str(price.chunk_id) in {c["id"] for c in chunks.json()["items"]}

    assert (nothing.passages, nothing.facts) == ([], [])


async def test_the_preview_answers_from_retrieved_knowledge_and_reports_it(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base, _ = await signed_in_workspace(live_client, engine)
    ids = await _documents(live_client, base, live_settings)
    agent = await create_agent_via_api(
        live_client, base, knowledge={"all": False, "document_ids": [ids["Catalogue"]]}
    )
    url = f"{base}/agents/{agent['id']}/preview"
    question = {"messages": [{"role": "user", "content": QUESTION}]}

    reply = (await live_client.post(url, json=question)).json()
    assert reply["offline"] is True
    assert "$49" in reply["text"]
    context = reply["context"]
    assert context["query"] == QUESTION
    chunks = (await live_client.get(f"{base}/knowledge/documents/{ids['Catalogue']}/chunks")).json()
    chunk_ids = {c["id"] for c in chunks["items"]}
    assert context["passages"]
    for i, passage in enumerate(context["passages"]):
        assert passage["index"] == i
        assert passage["chunk_id"] in chunk_ids
        assert (passage["document_id"], passage["document_title"]) == (
            ids["Catalogue"],
            "Catalogue",
        )
        assert passage["used"] == (i in reply["used_passages"])
    assert any(p["used"] for p in context["passages"]) or any(f["used"] for f in context["facts"])
    assert context["facts_passage_index"] == len(context["passages"])
    price = next(f for f in context["facts"] if f["predicate"] == "price")
    assert price["text"] == "Bracket X — price → $49"
    assert (price["document_id"], price["chunk_id"] in chunk_ids) == (ids["Catalogue"], True)
    assert {f["document_id"] for f in context["facts"]} == {ids["Catalogue"]}  # not the reseller

    given = await live_client.post(
        url, json=question | {"passages": [{"title": "Note", "text": "Bracket X costs 50 EUR."}]}
    )
    assert given.json()["context"] is None
    assert "50 EUR" in given.json()["text"]
    without = await live_client.post(url, json=question | {"use_knowledge": False})
    assert (without.json()["context"], without.json()["used_passages"]) == (None, [])


async def test_the_model_gets_the_passages_and_the_facts(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    openai_server: OpenAISimulator,
) -> None:
    base, _ = await signed_in_workspace(live_client, engine)
    ids = await _documents(live_client, base, live_settings)  # extracted offline
    provider_id = await add_compatible_provider(
        live_client, base, openai_server.base_url, openai_server.api_key
    )
    agent = await create_agent_via_api(live_client, base, provider_id=provider_id)
    openai_server.reply("Bracket X costs $49 [1].")
    reply = (
        await live_client.post(
            f"{base}/agents/{agent['id']}/preview",
            json={"messages": [{"role": "user", "content": QUESTION}]},
        )
    ).json()
    assert reply["text"] == "Bracket X costs $49 [1]."
    context = reply["context"]
    # What the answer cites is what it used; the facts went to the model as one passage.
    assert [p["used"] for p in context["passages"]] == [True] + [False] * (
        len(context["passages"]) - 1
    )
    assert reply["used_passages"][0] == 0
    assert all(f["used"] for f in context["facts"])
    assert {p["document_id"] for p in context["passages"]} <= set(ids.values())
    system = openai_server.requests_to("/v1/chat/completions")[-1].body["messages"][0]["content"]
    assert "Facts from the knowledge graph" in system
    assert "- Bracket X — price → $49" in system
    assert "Initech Ltd — resells → Bracket X" in system
    assert "Price: $49" in system  # the chunk itself
