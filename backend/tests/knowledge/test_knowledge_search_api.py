"""Search through the API on documents indexed by the real worker; never across tenants."""

from __future__ import annotations

from typing import Any

from agentplatform.core.settings import Settings
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.knowledge.test_knowledge_documents import _owner
from tests.worker_support import run_burst

POLICIES = (
    "# Returns\nYou can return any product within 30 days for a full refund.\n\n"
    "# Shipping\nOrders leave our warehouse in Porto within two business days."
)
PRICES = "# Plans\nThe premium plan costs 49 EUR per month. SKU XK-4471 is the wall bracket."


async def test_search_by_meaning_and_by_exact_words_within_the_tenant(
    live_app: Any, engine: AsyncEngine, live_settings: Settings
) -> None:
    def client() -> AsyncClient:
        return AsyncClient(transport=ASGITransport(app=live_app), base_url="http://testserver")

    async with client() as mine, client() as theirs:
        base = await _owner(mine, engine)
        other = await _owner(theirs, engine)
        policies = (
            await mine.post(f"{base}/text", json={"title": "Policies", "text": POLICIES})
        ).json()
        await mine.post(f"{base}/text", json={"title": "Prices", "text": PRICES})
        await theirs.post(
            f"{other}/text", json={"title": "Their prices", "text": PRICES + " Theirs."}
        )
        await run_burst(live_settings)

        search = base.replace("/documents", "/search")
        meaning = (
            await mine.post(search, json={"query": "Can I send an item back and get my money?"})
        ).json()
        assert meaning["hits"][0]["document_title"] == "Policies"
        assert "30 days" in meaning["hits"][0]["text"]
        exact = (await mine.post(search, json={"query": "XK-4471", "mode": "text"})).json()
        assert [h["document_title"] for h in exact["hits"]] == ["Prices"]
        assert "<mark>" in exact["hits"][0]["highlight"]

        their_search = other.replace("/documents", "/search")
        theirs_hits = (await theirs.post(their_search, json={"query": "premium plan price"})).json()
        assert {h["document_title"] for h in theirs_hits["hits"]} == {"Their prices"}

        agents = base.replace("/knowledge/documents", "/agents")
        agent = (
            await mine.post(
                agents,
                json={
                    "name": "Returns bot",
                    "knowledge": {"all": False, "document_ids": [policies["id"]]},
                },
            )
        ).json()
        scoped = (
            await mine.post(f"{agents}/{agent['id']}/search", json={"query": "premium plan price"})
        ).json()
        assert {h["document_title"] for h in scoped["hits"]} <= {"Policies"}
        bad = await mine.post(search, json={"query": "x", "limit": 500})
        assert bad.status_code == 422
