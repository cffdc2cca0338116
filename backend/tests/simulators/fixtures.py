"""Pytest fixtures for the simulators; `backend/tests/conftest.py` imports them.

One server per test session (starting uvicorn per test would cost more than the tests); every test
gets it reset: no scripted replies, faults or recorded requests, default key and models.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.simulators.openai_compatible import OpenAISimulator
from tests.simulators.slack import SlackSimulator


@pytest.fixture(scope="session")
def openai_server_session() -> Iterator[OpenAISimulator]:
    with OpenAISimulator() as simulator:
        yield simulator


@pytest.fixture
def openai_server(openai_server_session: OpenAISimulator) -> Iterator[OpenAISimulator]:
    """The OpenAI-compatible simulator, reset for this test (`.base_url`, `.api_key`, ...)."""
    openai_server_session.reset()
    yield openai_server_session
    openai_server_session.reset()


@pytest.fixture(scope="session")
def slack_session() -> Iterator[SlackSimulator]:
    with SlackSimulator() as simulator:
        yield simulator


@pytest.fixture
def slack(slack_session: SlackSimulator) -> Iterator[SlackSimulator]:
    """The Slack simulator (webhooks and chat.postMessage), reset for this test."""
    slack_session.reset()
    yield slack_session
    slack_session.reset()
