"""A local server that speaks OpenAI's HTTP API (the parts we use), for tests.

Real HTTP on loopback: uvicorn serves a small Starlette app from a background thread on a free port,
so the official `openai` SDK talks to it exactly as it talks to api.openai.com, OpenRouter or a
self-hosted Ollama / vLLM / llama.cpp server; nothing in the SDK or in our code is patched.

Endpoints (under `/v1`): `GET /models`, `GET /models/{id}`, `POST /chat/completions` (JSON, or
server-sent events with `stream: true`, including the `stream_options.include_usage` chunk) and
`POST /embeddings` (`encoding_format` float or base64). Field names, `object` values,
`finish_reason`, `usage` and the error shape `{"error": {"message", "type", "param", "code"}}` are
OpenAI's.

Scripting, per test (all methods are thread-safe; the server runs in its own thread and loop):
- `reply("text")`, `reply_tool_call("name", {...})`, `queue(ScriptedReply(...))`: the next chat
  completions answer with these, in order. With nothing queued the answer echoes the last user
  message (`Echo: <text>`), or calls the function that `tool_choice` forces.
- `fail_next(n, status=429 | 500 | 503, retry_after=...)`, `delay_next(n, seconds)`,
  `break_stream_next()`: faults for the next requests (optionally only those to one path).
- `requests`: every request received (method, path, lower-cased headers, JSON body).
- `api_key`, `require_auth`, `echo_key_in_errors`, `models`, `embedding_dimensions`: settings that
  `reset()` puts back to their defaults.

Embeddings are feature-hashed: each lower-cased word is hashed (SHAKE-256) to a vector and the sum
is L2-normalised. The result is deterministic (see `embedding_vector`), and texts that share words
point in similar directions, so retrieval tests rank sensibly. Texts with the same multiset of
words get the same vector; a text with no word characters is hashed whole.

This module is the entry point tests import; the code lives in modules named after what they do:
`openai_server` (lifecycle, scripting API, auth, faults, routing), `openai_scripting` (scripted
replies, faults, recorded requests), `openai_chat` (chat completions and streaming),
`openai_embeddings` (embeddings and their vectors), `openai_models` (the model list) and
`openai_wire` (tokens, errors, usage, headers).
"""

from __future__ import annotations

from tests.simulators.openai_embeddings import (
    DEFAULT_EMBEDDING_DIMENSIONS,
    MAX_EMBEDDING_INPUTS,
    embedding_vector,
)
from tests.simulators.openai_models import DEFAULT_MODELS, MODEL_CREATED
from tests.simulators.openai_scripting import (
    Fault,
    RecordedRequest,
    ScriptedReply,
    ScriptedToolCall,
)
from tests.simulators.openai_server import (
    DEFAULT_API_KEY,
    OpenAISimulator,
    run_openai_simulator,
)
from tests.simulators.openai_wire import SYSTEM_FINGERPRINT, count_tokens

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_EMBEDDING_DIMENSIONS",
    "DEFAULT_MODELS",
    "MAX_EMBEDDING_INPUTS",
    "MODEL_CREATED",
    "SYSTEM_FINGERPRINT",
    "Fault",
    "OpenAISimulator",
    "RecordedRequest",
    "ScriptedReply",
    "ScriptedToolCall",
    "count_tokens",
    "embedding_vector",
    "run_openai_simulator",
]
