"""What the provider client returns: chat answers, stream deltas, embeddings and health.

Plain frozen dataclasses built by `agentplatform.ai.llm` from the SDK's responses, so callers never
handle the SDK's own types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from openai.types.chat import (
    ChatCompletionAssistantMessageParam,
    ChatCompletionMessageFunctionToolCallParam,
)


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text as the model wrote it; it may be invalid, so parse with care

    def parse_arguments(self) -> dict[str, Any]:
        """The arguments as an object; ValueError if they are not a JSON object."""
        value = json.loads(self.arguments or "{}")
        if not isinstance(value, dict):
            raise ValueError(f"tool call {self.name} arguments are not a JSON object")
        return value


@dataclass(frozen=True)
class ChatResult:
    text: str
    tool_calls: list[ToolCall]
    finish_reason: str | None  # "stop", "length", "tool_calls", "content_filter", ...
    tokens_in: int
    tokens_out: int
    latency_ms: int
    model: str  # as the provider reported it (may be a dated snapshot of the one asked for)

    def assistant_message(self) -> ChatCompletionAssistantMessageParam:
        """This answer as a message to append to the conversation before sending tool results."""
        message: ChatCompletionAssistantMessageParam = {
            "role": "assistant",
            "content": self.text or None,
        }
        if self.tool_calls:
            calls: list[ChatCompletionMessageFunctionToolCallParam] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                }
                for call in self.tool_calls
            ]
            message["tool_calls"] = calls
        return message


@dataclass(frozen=True)
class ChatDelta:
    """A piece of a streamed answer: `text`, or (once, last, `done=True`) the totals."""

    text: str = ""
    done: bool = False
    finish_reason: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    tokens_in: int = 0
    tokens_out: int = 0
    latency_ms: int = 0
    model: str | None = None


@dataclass(frozen=True)
class EmbeddingResult:
    vectors: list[list[float]]  # in the order of the texts
    tokens_in: int
    latency_ms: int
    model: str


@dataclass(frozen=True)
class ProviderHealth:
    ok: bool
    latency_ms: int
    detail: str
    model_count: int = 0
    code: str | None = None  # the problem code when not ok, e.g. "provider-auth-failed"
