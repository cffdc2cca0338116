"""`make verify-env` against the real test services, a broken Redis, a broken database and a local
OpenAI-compatible server; the output must never contain a configured secret."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis as sync_redis
from agentplatform.cli import app
from agentplatform.core.redis import WORKER_HEARTBEAT_KEY
from agentplatform.core.settings import Settings
from agentplatform.ops.verify_env import (
    CheckResult,
    Status,
    exit_code,
    render_table,
    scrub,
    secret_values,
    verify,
)
from typer.testing import CliRunner

from tests.conftest import Services

GOOD_KEY = "sk-good-0123456789abcdefghijklmnop"
BAD_KEY = "sk-bad-zyxwvutsrqponmlkjihgfedcba98"
SECRET_KEY = "a-very-secret-signing-key-that-is-long-enough-1234"
ENCRYPTION_KEY = "q5tX3oVx8e2KxZbq5mB0d3Pz8Qp3dH6yXn1m0sVx2aE="


class _FakeOpenAI(BaseHTTPRequestHandler):
    """Speaks enough of the OpenAI API for `models.list()`; echoes a wrong key like OpenAI does."""

    def do_GET(self) -> None:
        auth = self.headers.get("Authorization", "")
        body: dict[str, object]
        if self.path.rstrip("/").endswith("/models") and auth == f"Bearer {GOOD_KEY}":
            status, body = (
                200,
                {
                    "object": "list",
                    "data": [
                        {"id": "gpt-test-mini", "object": "model", "created": 0, "owned_by": "t"},
                        {"id": "text-embed-test", "object": "model", "created": 0, "owned_by": "t"},
                    ],
                },
            )
        else:
            key = auth.removeprefix("Bearer ")
            status, body = (
                401,
                {
                    "error": {
                        "message": f"Incorrect API key provided: {key}",
                        "type": "invalid_request_error",
                        "code": "invalid_api_key",
                    }
                },
            )
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def heartbeat(services: Services) -> Iterator[sync_redis.Redis]:
    client = sync_redis.Redis.from_url(services.redis_url)
    client.delete(WORKER_HEARTBEAT_KEY)
    try:
        yield client
    finally:
        client.delete(WORKER_HEARTBEAT_KEY)
        client.close()


def _settings(services: Services, tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "test",
        "database_url": services.database_url,
        "redis_url": services.redis_url,
        "data_dir": tmp_path,
        "secret_key": SECRET_KEY,
        "encryption_keys": ENCRYPTION_KEY,
        "openai_api_key": None,
        "openrouter_api_key": None,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def _by_name(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {result.name: result for result in results}


def _assert_no_secrets(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text


def test_all_checks_pass_against_test_services(
    services: Services, tmp_path: Path, heartbeat: sync_redis.Redis
) -> None:
    results = verify(lambda: _settings(services, tmp_path))
    checks = _by_name(results)
    assert {r.status for r in results} <= {Status.OK, Status.WARN, Status.SKIP}, results
    for name in ("configuration", "encryption keys", "postgres", "pgvector", "migrations", "redis"):
        assert checks[name].status is Status.OK, checks[name]
    assert checks["postgres"].detail.startswith("PostgreSQL ")
    assert "installed" in checks["pgvector"].detail
    assert checks["provider openai"].status is Status.SKIP
    assert checks["provider openrouter"].status is Status.SKIP
    # No worker runs in the tests: a missing heartbeat is a warning, not a failure.
    assert checks["worker heartbeat"].status is Status.WARN
    assert exit_code(results) == 0
    _assert_no_secrets(render_table(results), SECRET_KEY, ENCRYPTION_KEY)


def test_worker_heartbeat_fresh_and_stale(
    services: Services, tmp_path: Path, heartbeat: sync_redis.Redis
) -> None:
    heartbeat.set(WORKER_HEARTBEAT_KEY, str(time.time()))
    fresh = _by_name(verify(lambda: _settings(services, tmp_path)))["worker heartbeat"]
    assert fresh.status is Status.OK

    heartbeat.set(WORKER_HEARTBEAT_KEY, str(time.time() - 3600))
    stale = _by_name(verify(lambda: _settings(services, tmp_path)))["worker heartbeat"]
    assert stale.status is Status.WARN
    assert "stale" in stale.detail


def test_providers_listed_with_the_sdk(
    services: Services, tmp_path: Path, fake_openai: str
) -> None:
    settings = _settings(
        services,
        tmp_path,
        openai_api_key=GOOD_KEY,
        openai_base_url=fake_openai,
        openrouter_api_key=BAD_KEY,
        openrouter_base_url=fake_openai,
    )
    results = verify(lambda: settings)
    checks = _by_name(results)
    assert checks["provider openai"].status is Status.OK
    assert "2 models" in checks["provider openai"].detail
    assert checks["provider openrouter"].status is Status.FAIL
    assert "401" in checks["provider openrouter"].detail
    assert exit_code(results) == 1
    _assert_no_secrets(render_table(results), GOOD_KEY, BAD_KEY, SECRET_KEY, ENCRYPTION_KEY)


def test_cli_bad_redis_fails_readably(
    services: Services, tmp_path: Path, fake_openai: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    result = CliRunner().invoke(
        app,
        ["verify-env"],
        env={
            "ENV": "test",
            "DATA_DIR": str(tmp_path / ".data"),
            "DATABASE_URL": services.database_url,
            "REDIS_URL": "redis://:redis-password-123@127.0.0.1:1/0",
            "SECRET_KEY": SECRET_KEY,
            "ENCRYPTION_KEYS": ENCRYPTION_KEY,
            # The fake server echoes a wrong key back in its error message.
            "OPENAI_API_KEY": BAD_KEY,
            "OPENAI_BASE_URL": fake_openai,
            "OPENROUTER_API_KEY": "",
        },
    )
    output = result.output
    assert result.exit_code == 1, output
    redis_line = next(line for line in output.splitlines() if line.startswith("redis "))
    assert "FAIL" in redis_line
    assert "127.0.0.1:1" in redis_line
    assert "Traceback" not in output
    assert "postgres " in output
    assert "FAIL" in output.split("\n")[-2] or "FAILED" in output
    _assert_no_secrets(output, SECRET_KEY, ENCRYPTION_KEY, BAD_KEY, "redis-password-123")


def test_unreachable_database_with_password_is_not_printed(tmp_path: Path) -> None:
    settings = Settings(
        env="test",
        database_url="postgresql://app:db-password-456@127.0.0.1:1/app",
        redis_url="redis://127.0.0.1:1/0",
        data_dir=tmp_path,
    )
    results = verify(lambda: settings)
    checks = _by_name(results)
    assert checks["postgres"].status is Status.FAIL
    assert "127.0.0.1:1" in checks["postgres"].detail
    assert checks["migrations"].status is Status.SKIP
    assert checks["redis"].status is Status.FAIL
    assert exit_code(results) == 1
    _assert_no_secrets(render_table(results), "db-password-456")


def test_configuration_refusals(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    production = runner.invoke(app, ["verify-env"], env={"ENV": "production", "SECRET_KEY": ""})
    assert production.exit_code == 1
    assert "configuration" in production.output
    assert "SECRET_KEY" in production.output
    assert "Traceback" not in production.output

    bad_key = "not-a-fernet-key-but-secret-789"
    settings = Settings(
        env="test",
        database_url="postgresql://127.0.0.1:1/x",
        redis_url="redis://127.0.0.1:1/0",
        encryption_keys=bad_key,
    )
    results = verify(lambda: settings)
    keys = _by_name(results)["encryption keys"]
    assert keys.status is Status.FAIL
    assert "not a valid Fernet key" in keys.detail
    _assert_no_secrets(render_table(results), bad_key)


def test_scrub_replaces_every_secret() -> None:
    settings = Settings(
        env="test",
        secret_key=SECRET_KEY,
        openai_api_key=GOOD_KEY,
        database_url="postgresql://u:pw-0987@h/db",
    )
    secrets = secret_values(settings)
    text = f"{SECRET_KEY} {GOOD_KEY} pw-0987 {ENCRYPTION_KEY}"
    assert scrub(text, secrets) == f"*** *** *** {ENCRYPTION_KEY}"
