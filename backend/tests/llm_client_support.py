"""Shared constants and helpers for the provider-client tests (test_llm_client*.py)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

from agentplatform.ai.llm import ChatMessage, ProviderConfig, ProviderKind, ToolDefinition
from agentplatform.ai.llm_results import ChatDelta
from prometheus_client import REGISTRY

from tests.simulators.openai_compatible import OpenAISimulator

MODEL = "gpt-4o-mini"
EMBEDDING_MODEL = "text-embedding-3-small"
HELLO: list[ChatMessage] = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "Hello there"},
]
WEATHER_TOOL: ToolDefinition = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def config_for(
    server: OpenAISimulator,
    *,
    kind: ProviderKind = ProviderKind.compatible,
    api_key: str | None = None,
    timeout: float = 10.0,
    retries: int = 0,
    name: str = "Simulator",
    app_url: str | None = None,
) -> ProviderConfig:
    return ProviderConfig(
        kind=kind,
        base_url=server.base_url,
        api_key=server.api_key if api_key is None else api_key,
        name=name,
        timeout_seconds=timeout,
        max_retries=retries,
        app_url=app_url,
    )


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def drain(deltas: AsyncIterator[ChatDelta], into: list[ChatDelta]) -> None:
    async for delta in deltas:
        into.append(delta)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
