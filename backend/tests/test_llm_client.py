"""The provider client against a local OpenAI-compatible server, through the real `openai` SDK.

Chat, streaming, embeddings, models and health, client caching and metrics; the error mapping,
retries, timeouts and key handling are in test_llm_client_errors.py.
"""

from __future__ import annotations

import json

import pytest
from agentplatform.ai.llm import (
    ChatMessage,
    ProviderConfig,
    ProviderKind,
    chat,
    check_health,
    client_for,
    embed,
    list_models,
    stream_chat,
)
from agentplatform.ai.llm_results import ChatDelta
from agentplatform.ai.provider_errors import (
    ProviderAuthFailed,
    ProviderError,
    ProviderTimeout,
    UnknownModel,
)

from tests.llm_client_support import (
    EMBEDDING_MODEL,
    HELLO,
    MODEL,
    WEATHER_TOOL,
    closed_port,
    config_for,
    drain,
    sample,
)
from tests.simulators.openai_compatible import (
    DEFAULT_MODELS,
    OpenAISimulator,
    count_tokens,
    embedding_vector,
)

# --- chat ----------------------------------------------------------------------------------


async def test_chat_returns_text_usage_and_sends_the_request(
    openai_server: OpenAISimulator,
) -> None:
    openai_server.reply("Hi! How can I help?")
    result = await chat(
        config_for(openai_server), model=MODEL, messages=HELLO, temperature=0.2, max_tokens=50
    )

    assert result.text == "Hi! How can I help?"
    assert result.finish_reason == "stop"
    assert result.tool_calls == []
    assert result.model == MODEL
    assert result.tokens_out == count_tokens("Hi! How can I help?")
    assert result.tokens_in > 0
    assert result.latency_ms >= 0
    (request,) = openai_server.requests_to("/chat/completions")
    assert request.headers["authorization"] == f"Bearer {openai_server.api_key}"
    assert request.body["model"] == MODEL
    assert request.body["messages"] == HELLO
    assert request.body["temperature"] == 0.2
    assert request.body["max_tokens"] == 50  # a compatible server gets the classic name
    assert "stream" not in request.body
    assert "tools" not in request.body


async def test_chat_without_a_script_echoes_the_last_user_message(
    openai_server: OpenAISimulator,
) -> None:
    result = await chat(config_for(openai_server), model=MODEL, messages=HELLO)
    assert result.text == "Echo: Hello there"


async def test_openai_gets_max_completion_tokens_and_a_long_answer_is_cut(
    openai_server: OpenAISimulator,
) -> None:
    openai_server.reply("one two three four five six")
    config = config_for(openai_server, kind=ProviderKind.openai)
    result = await chat(config, model=MODEL, messages=HELLO, max_tokens=3)

    assert result.text == "one two three"
    assert result.finish_reason == "length"
    body = openai_server.requests_to("/chat/completions")[0].body
    assert body["max_completion_tokens"] == 3
    assert "max_tokens" not in body


async def test_tool_call_comes_back_with_json_arguments(openai_server: OpenAISimulator) -> None:
    scripted = openai_server.reply_tool_call("get_weather", {"city": "Paris", "units": "metric"})
    result = await chat(
        config_for(openai_server),
        model=MODEL,
        messages=HELLO,
        tools=[WEATHER_TOOL],
        tool_choice="auto",
    )

    assert result.finish_reason == "tool_calls"
    assert result.text == ""
    (call,) = result.tool_calls
    assert call.id == scripted.id
    assert call.name == "get_weather"
    assert json.loads(call.arguments) == {"city": "Paris", "units": "metric"}
    assert call.parse_arguments() == {"city": "Paris", "units": "metric"}
    body = openai_server.requests[0].body
    assert body["tools"] == [WEATHER_TOOL]
    assert body["tool_choice"] == "auto"
    assert result.assistant_message() == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": scripted.id,
                "type": "function",
                "function": {"name": "get_weather", "arguments": call.arguments},
            }
        ],
    }


async def test_tool_result_round_trip(openai_server: OpenAISimulator) -> None:
    openai_server.reply_tool_call("get_weather", {"city": "Oslo"})
    openai_server.reply("It is 3 °C in Oslo.")
    config = config_for(openai_server)
    first = await chat(config, model=MODEL, messages=HELLO, tools=[WEATHER_TOOL])
    messages: list[ChatMessage] = [
        *HELLO,
        first.assistant_message(),
        {"role": "tool", "tool_call_id": first.tool_calls[0].id, "content": '{"temp_c": 3}'},
    ]
    second = await chat(config, model=MODEL, messages=messages, tools=[WEATHER_TOOL])

    assert second.text == "It is 3 °C in Oslo."
    sent = openai_server.requests[1].body["messages"]
    assert sent[2]["tool_calls"][0]["id"] == first.tool_calls[0].id
    assert sent[3]["role"] == "tool"


# --- streaming -----------------------------------------------------------------------------


async def test_stream_deltas_join_to_the_text_and_usage_arrives_last(
    openai_server: OpenAISimulator,
) -> None:
    text = "Streaming works, one piece at a time."
    openai_server.reply(text)
    openai_server.reply(text)
    config = config_for(openai_server)

    deltas: list[ChatDelta] = [
        d async for d in stream_chat(config, model=MODEL, messages=HELLO, max_tokens=100)
    ]
    whole = await chat(config, model=MODEL, messages=HELLO, max_tokens=100)

    *pieces, final = deltas
    assert len(pieces) > 1
    assert all(not d.done and d.text for d in pieces)
    assert "".join(d.text for d in pieces) == text
    assert final.done
    assert final.text == ""
    assert final.finish_reason == "stop"
    assert (final.tokens_in, final.tokens_out) == (whole.tokens_in, whole.tokens_out)
    assert final.tokens_out == count_tokens(text)
    assert final.model == MODEL
    body = openai_server.requests[0].body
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}


async def test_stream_assembles_tool_calls(openai_server: OpenAISimulator) -> None:
    openai_server.reply_tool_call("get_weather", {"city": "Reykjavík", "days": 3})
    deltas = [
        d
        async for d in stream_chat(
            config_for(openai_server), model=MODEL, messages=HELLO, tools=[WEATHER_TOOL]
        )
    ]

    final = deltas[-1]
    assert final.done
    assert final.finish_reason == "tool_calls"
    (call,) = final.tool_calls
    assert call.name == "get_weather"
    assert call.parse_arguments() == {"city": "Reykjavík", "days": 3}
    assert final.tokens_out > 0


async def test_stream_broken_midway_is_a_provider_error(openai_server: OpenAISimulator) -> None:
    openai_server.reply("this answer will not finish")
    openai_server.break_stream_next()
    received: list[ChatDelta] = []
    with pytest.raises(ProviderError) as caught:
        await drain(stream_chat(config_for(openai_server), model=MODEL, messages=HELLO), received)
    assert [d.text for d in received] == ["this "]
    assert caught.value.code == "provider-error"
    assert "server had an error" in (caught.value.detail or "")


async def test_stream_unknown_model_fails_before_any_delta(
    openai_server: OpenAISimulator,
) -> None:
    received: list[ChatDelta] = []
    with pytest.raises(UnknownModel):
        await drain(
            stream_chat(config_for(openai_server), model="gpt-nope", messages=HELLO), received
        )
    assert received == []


# --- embeddings ----------------------------------------------------------------------------


async def test_embeddings_are_batched_and_keep_their_order(openai_server: OpenAISimulator) -> None:
    openai_server.embedding_dimensions = 16
    texts = [f"chunk number {i} about topic {i % 7}" for i in range(250)]
    result = await embed(
        config_for(openai_server), model=EMBEDDING_MODEL, texts=texts, batch_size=100
    )

    requests = openai_server.requests_to("/embeddings")
    assert [len(r.body["input"]) for r in requests] == [100, 100, 50]
    assert [r.body["input"][0] for r in requests] == [texts[0], texts[100], texts[200]]
    assert all(r.body["encoding_format"] == "float" for r in requests)
    assert len(result.vectors) == 250
    for text, vector in zip(texts, result.vectors, strict=True):
        assert vector == pytest.approx(embedding_vector(text, 16))
    assert result.tokens_in == sum(count_tokens(t) for t in texts)
    assert result.model == EMBEDDING_MODEL


async def test_openai_embeddings_travel_as_base64_and_honour_dimensions(
    openai_server: OpenAISimulator,
) -> None:
    config = config_for(openai_server, kind=ProviderKind.openai)
    result = await embed(config, model=EMBEDDING_MODEL, texts=["alpha beta", "gamma"], dimensions=8)

    (request,) = openai_server.requests
    assert request.body["encoding_format"] == "base64"
    assert request.body["dimensions"] == 8
    assert [len(v) for v in result.vectors] == [8, 8]
    assert result.vectors[0] == pytest.approx(embedding_vector("alpha beta", 8), abs=1e-6)
    assert sum(x * x for x in result.vectors[1]) == pytest.approx(1.0, abs=1e-5)


async def test_embed_nothing_sends_nothing(openai_server: OpenAISimulator) -> None:
    result = await embed(config_for(openai_server), model=EMBEDDING_MODEL, texts=[])
    assert result.vectors == []
    assert result.tokens_in == 0
    assert openai_server.requests == []


async def test_embed_unknown_model(openai_server: OpenAISimulator) -> None:
    with pytest.raises(UnknownModel) as caught:
        await embed(config_for(openai_server), model="embed-nope", texts=["x"])
    assert "embed-nope" in (caught.value.detail or "")


# --- models and health ---------------------------------------------------------------------


async def test_list_models_and_health(openai_server: OpenAISimulator) -> None:
    config = config_for(openai_server)
    assert await list_models(config) == list(DEFAULT_MODELS)

    health = await check_health(config)
    assert health.ok
    assert health.model_count == len(DEFAULT_MODELS)
    assert health.code is None
    assert health.latency_ms >= 0


async def test_health_reports_a_bad_key_without_retrying(openai_server: OpenAISimulator) -> None:
    config = config_for(openai_server, api_key="sk-wrong-0000000000", retries=3)
    with pytest.raises(ProviderAuthFailed):
        await list_models(config)

    openai_server.reset()
    openai_server.fail_next(5, 503)
    health = await check_health(config_for(openai_server, retries=3))
    assert not health.ok
    assert health.code == "provider-unavailable"
    assert len(openai_server.requests) == 1  # a health check does not retry

    bad = await check_health(config_for(openai_server, api_key="sk-wrong-0000000000"))
    assert not bad.ok
    assert bad.code == "provider-auth-failed"
    assert "sk-wrong" not in bad.detail
    assert bad.model_count == 0


async def test_health_of_an_unreachable_server() -> None:
    config = ProviderConfig(
        kind=ProviderKind.compatible,
        base_url=f"http://127.0.0.1:{closed_port()}/v1",
        api_key=None,
        name="Nowhere",
    )
    health = await check_health(config)
    assert not health.ok
    assert health.code == "provider-unavailable"


# --- clients -------------------------------------------------------------------------------


async def test_client_cache(openai_server: OpenAISimulator) -> None:
    config = config_for(openai_server)
    same = config_for(openai_server, name="Renamed")  # the name is not part of the connection
    other_key = config_for(openai_server, api_key="sk-another-key-123456")
    other_timeout = config_for(openai_server, timeout=3.0)

    client = client_for(config)
    assert client_for(config) is client
    assert client_for(same) is client
    assert client_for(other_key) is not client
    assert client_for(other_timeout) is not client
    assert client.max_retries == 0
    assert client.timeout == 10.0


async def test_openrouter_sends_attribution_headers(openai_server: OpenAISimulator) -> None:
    config = config_for(
        openai_server, kind=ProviderKind.openrouter, app_url="https://agents.example.com"
    )
    await chat(config, model=MODEL, messages=HELLO)
    headers = openai_server.requests[0].headers
    assert headers["http-referer"] == "https://agents.example.com"
    assert headers["x-title"] == "GPT Agent Platform"

    await chat(config_for(openai_server), model=MODEL, messages=HELLO)
    assert "http-referer" not in openai_server.requests[1].headers


# --- metrics -------------------------------------------------------------------------------


async def test_metrics_count_tokens_durations_and_errors(openai_server: OpenAISimulator) -> None:
    model = "gpt-4o"
    labels = {"provider": "compatible", "model": model}
    tokens_in = sample("llm_tokens_total", **labels, direction="in")
    tokens_out = sample("llm_tokens_total", **labels, direction="out")
    durations = sample("llm_request_duration_seconds_count", **labels, operation="chat")
    timeouts = sample("llm_errors_total", **labels, code="provider-timeout")

    result = await chat(config_for(openai_server), model=model, messages=HELLO)
    openai_server.delay_next(1, 1.0)
    with pytest.raises(ProviderTimeout):
        await chat(config_for(openai_server, timeout=0.2), model=model, messages=HELLO)

    assert sample("llm_tokens_total", **labels, direction="in") == tokens_in + result.tokens_in
    assert sample("llm_tokens_total", **labels, direction="out") == tokens_out + result.tokens_out
    assert sample("llm_request_duration_seconds_count", **labels, operation="chat") == durations + 2
    assert sample("llm_errors_total", **labels, code="provider-timeout") == timeouts + 1
