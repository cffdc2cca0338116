"""The provider client's failures against a local OpenAI-compatible server: retries, timeouts,
unreachable servers, the mapping of provider errors and keeping API keys out of errors and logs.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from agentplatform.ai.llm import (
    PLACEHOLDER_API_KEY,
    ProviderConfig,
    ProviderKind,
    chat,
    embed,
)
from agentplatform.ai.provider_errors import (
    ProviderAuthFailed,
    ProviderRateLimited,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    UnknownModel,
    scrub,
)

from tests.llm_client_support import EMBEDDING_MODEL, HELLO, MODEL, closed_port, config_for
from tests.simulators.openai_compatible import OpenAISimulator

# --- retries and failures ------------------------------------------------------------------


async def test_rate_limit_then_success_is_retried_by_the_sdk(
    openai_server: OpenAISimulator,
) -> None:
    openai_server.fail_next(1, 429)
    openai_server.reply("after the wait")
    result = await chat(config_for(openai_server, retries=2), model=MODEL, messages=HELLO)

    assert result.text == "after the wait"
    requests = openai_server.requests_to("/chat/completions")
    assert len(requests) == 2
    assert requests[1].headers["x-stainless-retry-count"] == "1"


async def test_rate_limit_exhausted_carries_retry_after(openai_server: OpenAISimulator) -> None:
    openai_server.fail_next(1, 429, retry_after="7")
    with pytest.raises(ProviderRateLimited) as caught:
        await chat(config_for(openai_server, retries=0), model=MODEL, messages=HELLO)

    error = caught.value
    assert error.status == 503
    assert error.code == "provider-rate-limited"
    assert error.retry_after == 7
    assert error.headers == {"Retry-After": "7"}
    assert error.provider == "Simulator"


async def test_server_errors_exhausted_after_every_attempt(
    openai_server: OpenAISimulator,
) -> None:
    openai_server.fail_next(3, 500)
    openai_server.reply("never seen")
    with pytest.raises(ProviderUnavailable) as caught:
        await chat(config_for(openai_server, retries=2), model=MODEL, messages=HELLO)

    assert len(openai_server.requests_to("/chat/completions")) == 3  # max_retries + 1
    assert caught.value.status == 503
    assert "HTTP 500" in (caught.value.detail or "")


async def test_overloaded_503_without_retries(openai_server: OpenAISimulator) -> None:
    openai_server.fail_next(1, 503)
    with pytest.raises(ProviderUnavailable) as caught:
        await embed(config_for(openai_server), model=EMBEDDING_MODEL, texts=["x"])
    assert "overloaded" in (caught.value.detail or "")
    assert len(openai_server.requests) == 1


async def test_slow_provider_times_out(openai_server: OpenAISimulator) -> None:
    openai_server.delay_next(1, 2.0)
    config = config_for(openai_server, timeout=0.5, retries=0)
    with pytest.raises(ProviderTimeout) as caught:
        await chat(config, model=MODEL, messages=HELLO)
    assert caught.value.status == 504
    assert caught.value.code == "provider-timeout"
    assert "0.5 s" in (caught.value.detail or "")


async def test_a_request_that_outlives_its_test_takes_nothing_from_the_next(
    openai_server: OpenAISimulator,
) -> None:
    openai_server.delay_next(1, 0.6)
    with pytest.raises(ProviderTimeout):
        await chat(config_for(openai_server, timeout=0.2), model=MODEL, messages=HELLO)
    openai_server.reset()  # what the fixture does between tests
    openai_server.reply("mine")
    await asyncio.sleep(0.6)  # the abandoned request wakes up meanwhile
    result = await chat(config_for(openai_server), model=MODEL, messages=HELLO)
    assert result.text == "mine"


async def test_unreachable_provider_is_unavailable() -> None:
    config = ProviderConfig(
        kind=ProviderKind.compatible,
        base_url=f"http://127.0.0.1:{closed_port()}/v1",
        api_key=None,
        name="Down",
        max_retries=0,
    )
    with pytest.raises(ProviderUnavailable) as caught:
        await chat(config, model=MODEL, messages=HELLO)
    assert "Could not connect to Down" in (caught.value.detail or "")


async def test_bad_key_never_shows_the_key(
    openai_server: OpenAISimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    openai_server.echo_key_in_errors = True  # a provider that repeats the key it was given
    secret = "sk-live-DO-NOT-LEAK-4f9a8b7c6d5e"
    config = config_for(openai_server, kind=ProviderKind.openai, api_key=secret, name="OpenAI")

    with pytest.raises(ProviderAuthFailed) as caught:
        await chat(config, model=MODEL, messages=HELLO)

    error = caught.value
    assert error.status == 502
    assert error.code == "provider-auth-failed"
    assert "OpenAI" in (error.detail or "")
    assert secret not in str(error)
    assert secret not in (error.detail or "")
    assert error.__cause__ is None
    assert error.__context__ is None
    assert secret not in caplog.text
    assert any(r.getMessage() == "llm request failed" for r in caplog.records)
    assert secret not in repr(config)
    assert secret not in str(config)
    # The provider did echo it: the scrubbing is what kept it out.
    assert openai_server.requests[0].headers["authorization"] == f"Bearer {secret}"


async def test_provider_messages_are_scrubbed(openai_server: OpenAISimulator) -> None:
    secret = openai_server.api_key
    openai_server.fail_next(1, 500, message=f"upstream rejected key {secret} (Bearer {secret})")
    with pytest.raises(ProviderUnavailable) as caught:
        await chat(config_for(openai_server), model=MODEL, messages=HELLO)
    assert secret not in (caught.value.detail or "")
    assert "[redacted]" in (caught.value.detail or "")


def test_scrub_removes_the_key_and_key_shaped_text() -> None:
    assert scrub("key abc123secret here", "abc123secret") == "key [redacted] here"
    assert "sk-proj-abcdef123456" not in scrub("bad sk-proj-abcdef123456.", None)
    assert "sk-abc***wxyz" not in scrub("Incorrect API key provided: sk-abc***wxyz.", None)
    assert "tok" not in scrub("Authorization: Bearer tok", None)
    assert len(scrub("x" * 5000, None)) <= 300


async def test_openai_without_a_key_fails_without_a_request(
    openai_server: OpenAISimulator,
) -> None:
    config = config_for(openai_server, kind=ProviderKind.openai, api_key="", name="OpenAI")
    with pytest.raises(ProviderAuthFailed) as caught:
        await chat(config, model=MODEL, messages=HELLO)
    assert "No API key is configured for OpenAI" in (caught.value.detail or "")
    assert openai_server.requests == []


async def test_compatible_server_without_a_key_gets_a_placeholder(
    openai_server: OpenAISimulator,
) -> None:
    openai_server.require_auth = False  # like Ollama
    config = config_for(openai_server, api_key="", name="Ollama")
    result = await chat(config, model=MODEL, messages=HELLO)
    assert result.text == "Echo: Hello there"
    assert openai_server.requests[0].headers["authorization"] == f"Bearer {PLACEHOLDER_API_KEY}"


async def test_unknown_model_names_the_model(openai_server: OpenAISimulator) -> None:
    with pytest.raises(UnknownModel) as caught:
        await chat(config_for(openai_server), model="gpt-imaginary", messages=HELLO)
    assert caught.value.status == 422
    assert caught.value.code == "unknown-model"
    assert "gpt-imaginary" in (caught.value.detail or "")
    assert caught.value.model == "gpt-imaginary"


async def test_forbidden_is_an_auth_failure_with_a_scrubbed_reason(
    openai_server: OpenAISimulator,
) -> None:
    key = openai_server.api_key
    openai_server.fail_next(1, 403, message=f"Project of key {key} may not use {MODEL}.")
    with pytest.raises(ProviderAuthFailed) as caught:
        await chat(config_for(openai_server), model=MODEL, messages=HELLO)
    assert "HTTP 403" in (caught.value.detail or "")
    assert key not in (caught.value.detail or "")


async def test_bad_requests_are_rejections_unless_they_name_an_unknown_model(
    openai_server: OpenAISimulator,
) -> None:
    openai_server.fail_next(1, 400, message=f"{MODEL} is not a valid model ID")
    with pytest.raises(UnknownModel):
        await chat(config_for(openai_server), model=MODEL, messages=HELLO)

    openai_server.fail_next(1, 400, message=f"max_tokens is too large for {MODEL}")
    with pytest.raises(ProviderRejected) as caught:
        await chat(config_for(openai_server, retries=2), model=MODEL, messages=HELLO)
    assert caught.value.status == 502
    assert "max_tokens is too large" in (caught.value.detail or "")
    assert len(openai_server.requests) == 2  # a 400 is not retried
