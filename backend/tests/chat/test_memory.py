"""Contact memory: facts found after each turn (the offline rule, or the model's structured
output), de-duplicated and superseded with history, recalled into the next conversation, always
within one contact of one tenant, and corrected by people through the API."""

# ruff: noqa: RUF001 - Russian messages
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import numpy as np
import pytest
from agentplatform.ai.embeddings import embed
from agentplatform.ai.resolver import LOCAL_EMBEDDING_MODEL
from agentplatform.chat.memory.extraction import rule_facts
from agentplatform.chat.memory.models import ContactMemory, MemoryOrigin
from agentplatform.chat.memory.service import recall
from agentplatform.chat.models import Contact
from agentplatform.core.db import utcnow
from agentplatform.core.settings import Settings
from httpx import AsyncClient
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.chat.test_chat_api import QUESTION
from tests.factories import add_compatible_provider, create_owner
from tests.factories import create_agent_via_api as agent
from tests.factories import signed_in_workspace as workspace
from tests.simulators.openai_compatible import OpenAISimulator
from tests.worker_support import run_burst


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "Hi, my name is Maria Lopez and I live in Valencia. Mail me at Maria@Example.com "
            "or call +34 600 123 456.",
            {
                ("name", "Maria Lopez"),
                ("city", "Valencia"),
                ("email", "maria@example.com"),
                ("phone", "+34600123456"),
            },
        ),
        (
            "I don't like phone calls, but I like email. My budget is 500 EUR per month.",
            {("dislike", "phone calls"), ("preference", "email"), ("budget", "500 EUR per month")},
        ),
        (
            "Me llamo Juan, vivo en Sevilla y trabajo en Acme SL. Necesito 20 licencias.",
            {
                ("name", "Juan"),
                ("city", "Sevilla"),
                ("company", "Acme SL"),
                ("need", "20 licencias"),
            },
        ),
        (
            "Meu nome é Ana, moro em Lisboa. Não gosto de ligações, prefiro e-mail.",
            {
                ("name", "Ana"),
                ("city", "Lisboa"),
                ("dislike", "ligações"),
                ("preference", "e-mail"),
            },
        ),
        (
            "Меня зовут Иван, я из Казани. Мне нужна интеграция с Kommo.",
            {("name", "Иван"), ("city", "Казани"), ("need", "интеграция с Kommo")},
        ),
        ("How much does Bracket X cost? Is shipping free?", set()),
    ],
)
def test_the_offline_rule_finds_stated_facts(message: str, expected: set[tuple[str, str]]) -> None:
    assert {(f.key, f.value) for f in rule_facts(message)} == expected


async def _chat(client: AsyncClient, url: str, message: str, contact: str, **extra: object) -> dict:
    response = await client.post(
        url, json={"message": message, "contact": {"external_id": contact}} | extra
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _contact_id(client: AsyncClient, base: str, external_id: str) -> str:
    contacts = (await client.get(f"{base}/contacts", params={"limit": 200})).json()["items"]
    return next(c["id"] for c in contacts if c["external_ids"][0]["external_id"] == external_id)


async def test_memories_are_learnt_recalled_superseded_and_kept_to_their_contact(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base, _ = await workspace(live_client, engine)
    ana = await agent(live_client, base)
    url = f"{base}/agents/{ana['id']}/chat"

    first = await _chat(live_client, url, "My name is Maria and I live in Valencia.", "maria")
    await _chat(live_client, url, "Hello, I need 20 licences.", "pedro")
    await run_burst(live_settings)

    maria = await _contact_id(live_client, base, "maria")
    memories = (await live_client.get(f"{base}/contacts/{maria}/memories")).json()
    assert {(m["key"], m["value"]) for m in memories} == {("name", "Maria"), ("city", "Valencia")}
    city = next(m for m in memories if m["key"] == "city")
    assert (city["origin"], city["conversation_id"], city["message_id"]) == (
        "conversation",
        first["conversation_id"],
        first["user_message_id"],
    )

    # A new conversation of the same contact starts knowing them; another contact does not.
    later = await _chat(live_client, url, "Do you deliver to my city?", "maria", mode="test")
    assert later["conversation_id"] != first["conversation_id"]
    recalled = {m["text"] for m in later["context"]["memories"]}
    assert {"Name: Maria", "Lives in: Valencia"} <= recalled
    assert "Lives in: Valencia" in later["context"]["system_prompt"]
    section = next(s for s in later["context"]["sections"] if s["name"] == "memories")
    assert {i["id"] for i in section["items"]} == {m["id"] for m in memories}
    pedro = await _chat(live_client, url, "Do you deliver to my city?", "pedro", mode="test")
    assert "Maria" not in json.dumps(pedro["context"])
    assert {m["text"] for m in pedro["context"]["memories"]} == {"Needs: 20 licences"}

    # Said again: seen twice, not stored twice. Moved: the new city supersedes the old.
    await _chat(live_client, url, "As I said, I live in valencia.", "maria")
    await _chat(live_client, url, "Actually I live in Madrid now.", "maria")
    await run_burst(live_settings)
    active = (await live_client.get(f"{base}/contacts/{maria}/memories")).json()
    assert {(m["key"], m["value"]) for m in active} == {("name", "Maria"), ("city", "Madrid now")}
    history = (
        await live_client.get(
            f"{base}/contacts/{maria}/memories", params={"include_superseded": True}
        )
    ).json()
    old = next(m for m in history if m["value"] == "Valencia")
    new = next(m for m in history if m["value"] == "Madrid now")
    assert (old["status"], old["superseded_by_id"], old["times_seen"]) == (
        "superseded",
        new["id"],
        2,
    )


async def test_people_add_correct_and_delete_memories(
    live_client: AsyncClient, engine: AsyncEngine, live_settings: Settings
) -> None:
    base, _ = await workspace(live_client, engine)
    ana = await agent(live_client, base)
    await _chat(live_client, f"{base}/agents/{ana['id']}/chat", "My name is Mria.", "m")
    await run_burst(live_settings)
    contact = await _contact_id(live_client, base, "m")
    memories_url = f"{base}/contacts/{contact}/memories"
    [typo] = (await live_client.get(memories_url)).json()

    fixed = await live_client.patch(f"{memories_url}/{typo['id']}", json={"value": "Maria"})
    assert fixed.status_code == 200, fixed.text
    assert (fixed.json()["text"], fixed.json()["origin"]) == ("Name: Maria", "manual")
    added = await live_client.post(memories_url, json={"key": "preference", "value": "WhatsApp"})
    assert added.status_code == 201, added.text
    assert added.json()["text"] == "Likes: WhatsApp"
    bad = await live_client.post(memories_url, json={"key": "shoe size", "value": "42"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "key"]
    assert (await live_client.delete(f"{memories_url}/{typo['id']}")).status_code == 204
    left = (await live_client.get(memories_url)).json()
    assert [m["text"] for m in left] == ["Likes: WhatsApp"]
    missing = await live_client.get(f"{base}/contacts/{uuid.uuid4()}/memories")
    assert missing.status_code == 404

    # Another tenant's admin sees none of it.
    async with AsyncClient(transport=live_client._transport, base_url="http://testserver") as other:
        other_base, _ = await workspace(other, engine)
        assert (await other.get(f"{other_base}/contacts/{contact}/memories")).status_code == 404
        forged = await other.patch(
            f"{other_base}/contacts/{contact}/memories/{added.json()['id']}",
            json={"value": "x"},
        )
        assert forged.status_code == 404


async def test_with_a_provider_the_model_extracts_the_facts(
    live_client: AsyncClient,
    engine: AsyncEngine,
    live_settings: Settings,
    openai_server: OpenAISimulator,
) -> None:
    base, _ = await workspace(live_client, engine)
    provider_id = await add_compatible_provider(
        live_client, base, openai_server.base_url, openai_server.api_key
    )
    ana = await agent(live_client, base, provider_id=provider_id)
    openai_server.reply("Nice to meet you, Olga!")
    openai_server.reply(
        json.dumps(
            {
                "facts": [
                    {"key": "name", "value": "Olga", "importance": 0.9},
                    {"key": "need", "value": "a CRM for 5 sellers", "importance": 0.8},
                    {"key": "shoe size", "value": "ignored", "importance": 1},
                ]
            }
        )
    )
    await _chat(
        live_client,
        f"{base}/agents/{ana['id']}/chat",
        "Olga here; we are five sellers and want a CRM.",
        "olga",
    )
    await run_burst(live_settings)
    contact = await _contact_id(live_client, base, "olga")
    memories = (await live_client.get(f"{base}/contacts/{contact}/memories")).json()
    assert {m["text"] for m in memories} == {"Name: Olga", "Needs: a CRM for 5 sellers"}
    extraction = openai_server.requests_to("/v1/chat/completions")[-1].body
    assert extraction["response_format"]["type"] == "json_schema"
    assert "Olga here" in extraction["messages"][-1]["content"]
    # Only what came before the customer's message is context (none: it opened the chat).
    assert "previous message" not in extraction["messages"][-1]["content"]


async def test_recall_ranks_by_similarity_importance_and_recency_without_reading_vectors(
    db: AsyncSession, settings: Settings
) -> None:
    owner = await create_owner(db)
    tenant_id = owner.tenant.id
    contact = Contact(tenant_id=tenant_id, name="Maria")
    db.add(contact)
    await db.flush()
    [query] = (await embed(settings, None, LOCAL_EMBEDDING_MODEL, [QUESTION])).vectors
    rng = np.random.default_rng(3)
    vectors = [query, *(v / np.linalg.norm(v) for v in rng.standard_normal((5, 384)))]
    now = utcnow()
    memories = [
        ContactMemory(
            tenant_id=tenant_id,
            contact_id=contact.id,
            key="note",
            value=f"fact {i}",
            text=f"Note: fact {i}",
            importance=0.1 * i,
            origin=MemoryOrigin.manual,
            embedding=[float(x) for x in vector],
            last_seen_at=now - timedelta(days=10 * i),
        )
        for i, vector in enumerate(vectors)
    ]
    db.add_all(memories)
    await db.flush()
    db.expunge_all()  # recall reads the rows again, as a turn's session does

    recalled = await recall(db, settings, tenant_id, contact.id, QUESTION, limit=4)

    def expected(i: int) -> float:
        cosine = float(
            np.dot(vectors[i], query) / np.linalg.norm(vectors[i]) / np.linalg.norm(query)
        )
        return 0.6 * cosine + 0.25 * 0.1 * i + 0.15 * 0.5 ** (10 * i / 30)

    ranked = sorted(range(len(vectors)), key=expected, reverse=True)[:4]
    assert [r.memory.text for r in recalled] == [f"Note: fact {i}" for i in ranked]
    assert recalled[0].memory.text == "Note: fact 0"  # the message itself, said just now
    for r, i in zip(recalled, ranked, strict=True):
        assert r.score == pytest.approx(expected(i), abs=1e-3)
    with pytest.raises(InvalidRequestError):
        _ = recalled[0].memory.embedding  # never read back: the similarity is PostgreSQL's
    other = Contact(tenant_id=tenant_id, name="Nobody")
    db.add(other)
    await db.flush()
    assert await recall(db, settings, tenant_id, other.id, QUESTION) == []
