"""Streamed turns over a real HTTP server, with the real `openai` SDK against the local
OpenAI-compatible server: tokens as they come, the final message with its citations, a provider
failing mid-stream (an error event, the partial answer stored as failed) and a client that goes
away (the model's stream is closed and the partial answer stored as failed)."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
from agentplatform.core.db import create_sessionmaker
from agentplatform.core.settings import Settings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.chat.test_chat_api import QUESTION, agent, documents
from tests.factories import PASSWORD, add_compatible_provider, create_owner
from tests.simulators.openai_compatible import OpenAISimulator


async def _signed_in(http: httpx.AsyncClient, engine: AsyncEngine) -> str:
    async with create_sessionmaker(engine)() as session:
        owner = await create_owner(session)
    response = await http.post(
        "/api/v1/auth/login", json={"email": owner.user.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return f"/api/v1/tenants/{owner.tenant.id}"


async def _provider_agent(http: httpx.AsyncClient, base: str, server: OpenAISimulator) -> str:
    provider_id = await add_compatible_provider(http, base, server.base_url, server.api_key)
    created = await agent(http, base, provider_id=provider_id)
    return f"{base}/agents/{created['id']}/chat"


def _events(raw: str) -> list[tuple[str, Any]]:
    events = []
    for block in raw.strip().split("\n\n"):
        name, data = "", []
        for line in block.splitlines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
        if name:
            events.append((name, json.loads("\n".join(data))))
    return events


async def _message(engine: AsyncEngine, message_id: str) -> dict[str, Any]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT content, status, error FROM message WHERE id = :id"),
                {"id": uuid.UUID(message_id)},
            )
        ).one()
    return dict(row._mapping)


def _client(url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, headers={"Origin": url}, timeout=30)


async def test_tokens_stream_then_the_message_with_its_citations(
    live_url: str, engine: AsyncEngine, live_settings: Settings, openai_server: OpenAISimulator
) -> None:
    async with _client(live_url) as http:
        base = await _signed_in(http, engine)
        await documents(http, base, live_settings)
        url = await _provider_agent(http, base, openai_server)
        openai_server.reply("Bracket X costs $49 [1], with a two-year warranty.")
        async with http.stream(
            "POST", url, json={"message": QUESTION, "stream": True, "mode": "test"}
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events = _events((await response.aread()).decode())

    names = [name for name, _ in events]
    assert names[:2] == ["start", "context"]
    assert names[-2:] == ["citations", "message"]
    tokens = [data["text"] for name, data in events if name == "token"]
    assert len(tokens) > 3
    assert "".join(tokens) == "Bracket X costs $49 [1], with a two-year warranty."
    final = events[-1][1]
    assert final["message"]["content"] == "".join(tokens)
    assert final["message"]["offline"] is False
    assert [c["number"] for c in final["message"]["citations"] if c["kind"] == "passage"] == [1]
    assert events[-2][1] == final["message"]["citations"]
    stored = await _message(engine, final["message"]["id"])
    assert (stored["status"], stored["content"]) == ("complete", "".join(tokens))
    # The model got the context the inspector shows.
    sent = openai_server.requests_to("/v1/chat/completions")[-1].body
    assert sent["stream"] is True
    assert sent["messages"][0]["content"] == events[1][1]["system_prompt"]


async def test_a_provider_error_mid_stream_sends_an_error_and_keeps_the_partial_answer(
    live_url: str, engine: AsyncEngine, openai_server: OpenAISimulator
) -> None:
    async with _client(live_url) as http:
        base = await _signed_in(http, engine)
        url = await _provider_agent(http, base, openai_server)
        openai_server.reply("Bracket X costs $49.")
        openai_server.break_stream_next()
        response = await http.post(url, json={"message": QUESTION, "stream": True})
        events = _events(response.text)

    names = [name for name, _ in events]
    assert names[0] == "start"
    assert names[-1] == "error"
    assert "message" not in names
    assert events[-1][1]["status"] >= 500
    partial = "".join(data["text"] for name, data in events if name == "token")
    assert partial
    stored = await _message(engine, events[0][1]["message_id"])
    assert stored["status"] == "failed"
    assert stored["content"] == partial
    assert stored["error"]


async def test_a_client_that_goes_away_stops_the_generation(
    live_url: str, engine: AsyncEngine, openai_server: OpenAISimulator
) -> None:
    async with _client(live_url) as http:
        base = await _signed_in(http, engine)
        url = await _provider_agent(http, base, openai_server)
        openai_server.delay_next(seconds=30, path="/v1/chat/completions")
        openai_server.reply("Too late.")
        async with http.stream("POST", url, json={"message": QUESTION, "stream": True}) as response:
            lines = response.aiter_lines()
            while not (await anext(lines)).startswith("data: "):
                pass
            # The first event names the message; then the client hangs up mid-answer.
        started = await _start_event(http, base)

    message_id = started
    for _ in range(200):
        stored = await _message(engine, message_id)
        if stored["status"] != "streaming":
            break
        await asyncio.sleep(0.05)
    assert stored["status"] == "failed"
    assert stored["error"] == "The client disconnected before the answer was finished."
    assert openai_server.requests_to("/v1/chat/completions")


async def _start_event(http: httpx.AsyncClient, base: str) -> str:
    conversations = (await http.get(f"{base}/conversations")).json()["items"]
    detail = (await http.get(f"{base}/conversations/{conversations[0]['id']}")).json()
    return str(detail["messages"][-1]["id"])


async def test_a_streamed_turn_reports_its_tool_calls_as_they_run(
    live_url: str, engine: AsyncEngine, live_settings: Settings, openai_server: OpenAISimulator
) -> None:
    async with _client(live_url) as http:
        base = await _signed_in(http, engine)
        await documents(http, base, live_settings)
        url = await _provider_agent(http, base, openai_server)
        openai_server.reply_tool_call("knowledge_search", {"query": "Bracket X price"})
        openai_server.reply("It costs $49 [1].")
        response = await http.post(url, json={"message": QUESTION, "stream": True})
        events = _events(response.text)

    names = [name for name, _ in events]
    assert names.index("tool_call") < names.index("token") < names.index("message")
    tool = next(data for name, data in events if name == "tool_call")
    assert (tool["name"], tool["status"]) == ("knowledge_search", "ok")
    final = events[-1][1]["message"]
    assert final["content"] == "It costs $49 [1]."
    assert [t["name"] for t in final["tool_calls"]] == ["knowledge_search"]
