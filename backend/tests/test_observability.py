"""Sentry: off without a DSN; events never carry credentials; expected 4xx errors are not sent."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from agentplatform.core.errors import NotFound, ServiceUnavailable
from agentplatform.core.observability import FILTERED, before_send, init_sentry
from agentplatform.core.settings import Settings


def sample_event() -> dict[str, Any]:
    return {
        "message": "boom",
        "request": {
            "url": "https://api.example.com/api/v1/login",
            "method": "POST",
            "headers": {
                "Authorization": "Bearer sk-live-abc",
                "Cookie": "ap_session=s3cr3t",
                "User-Agent": "pytest",
            },
            "cookies": {"ap_session": "s3cr3t"},
            "data": {"email": "a@example.com", "password": "hunter2", "nested": {"api_key": "k"}},
            "query_string": "access_token=xyz&page=2",
        },
        "extra": {
            "provider": {"openai_api_key": "sk-123", "base_url": "https://api.openai.com"},
            "kommo_refresh_token": "r-1",
            "client_secret": "c-1",
            "count": 3,
        },
        "breadcrumbs": {
            "values": [{"category": "http", "data": {"headers": [["authorization", "Bearer x"]]}}]
        },
        "exception": {
            "values": [
                {
                    "stacktrace": {
                        "frames": [{"vars": {"password_hash": "$argon2id$...", "user_id": "42"}}]
                    }
                }
            ]
        },
    }


def test_init_sentry_without_dsn_is_off() -> None:
    assert init_sentry(Settings(sentry_dsn=None), "api") is False
    assert init_sentry(Settings(sentry_dsn=None), "worker") is False


def test_before_send_scrubs_credentials_everywhere() -> None:
    event = before_send(sample_event(), {})

    assert event is not None
    request = event["request"]
    assert request["headers"]["Authorization"] == FILTERED
    assert request["headers"]["Cookie"] == FILTERED
    assert request["headers"]["User-Agent"] == "pytest"
    assert request["cookies"] == FILTERED
    assert request["data"]["password"] == FILTERED
    assert request["data"]["nested"]["api_key"] == FILTERED
    assert request["data"]["email"] == "a@example.com"
    assert request["query_string"] == FILTERED
    assert event["extra"]["provider"]["openai_api_key"] == FILTERED
    assert event["extra"]["provider"]["base_url"] == "https://api.openai.com"
    assert event["extra"]["kommo_refresh_token"] == FILTERED
    assert event["extra"]["client_secret"] == FILTERED
    assert event["extra"]["count"] == 3
    crumb = event["breadcrumbs"]["values"][0]["data"]["headers"][0]
    assert crumb == ["authorization", FILTERED]
    frame_vars = event["exception"]["values"][0]["stacktrace"]["frames"][0]["vars"]
    assert frame_vars == {"password_hash": FILTERED, "user_id": "42"}
    text = repr(event)
    for secret in ("sk-live-abc", "s3cr3t", "hunter2", "sk-123", "r-1", "c-1", "xyz", "argon2"):
        assert secret not in text


def test_before_send_drops_expected_client_errors() -> None:
    not_found = NotFound("no such agent")
    assert before_send(sample_event(), {"exc_info": (NotFound, not_found, None)}) is None

    unavailable = ServiceUnavailable("database down")
    hint = {"exc_info": (ServiceUnavailable, unavailable, None)}
    assert before_send(sample_event(), hint) is not None


def test_init_sentry_with_dsn_configures_the_client() -> None:
    # In a child process: sentry-sdk patches frameworks globally, which must not leak into tests.
    script = """
import sentry_sdk
from agentplatform.core.observability import before_send, init_sentry
from agentplatform.core.settings import Settings
settings = Settings(sentry_dsn="http://public@127.0.0.1:9/1", sentry_traces_sample_rate=0.25)
for component in ("worker", "api"):
    assert init_sentry(settings, component) is True
options = sentry_sdk.get_client().options
assert options["send_default_pii"] is False
assert options["before_send"] is before_send
assert options["traces_sample_rate"] == 0.25
assert options["environment"] == "development"
integrations = sentry_sdk.get_client().integrations
assert "arq" in integrations and "asyncio" in integrations, sorted(integrations)
print("ok")
"""
    env = {**os.environ, "ENV": "development"}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
