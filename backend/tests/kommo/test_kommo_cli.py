"""`agentplatform kommo-simulator` prints one JSON line and serves the account it describes."""

from __future__ import annotations

import json
import os
import selectors
import socket
import subprocess
import sys
import time
from typing import Any

import httpx
from agentplatform.core.settings import Settings
from agentplatform.runner import kommo_simulator_child


def _start(argv: list[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )


def _first_line(process: subprocess.Popen[bytes]) -> dict[str, Any]:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + 120
    line = b""
    while not line.endswith(b"\n") and time.monotonic() < deadline:
        if selector.select(timeout=1):
            chunk = process.stdout.readline()
            if not chunk:
                break
            line += chunk
    assert line, f"no line; stderr: {process.stderr.read1(4000) if process.stderr else ''!r}"
    info: dict[str, Any] = json.loads(line)
    return info


def _get(url: str, **kwargs: Any) -> httpx.Response:
    for _ in range(200):  # the line comes once the port is bound; serving starts just after
        try:
            return httpx.get(url, **kwargs)
        except httpx.ConnectError:
            time.sleep(0.05)
    raise AssertionError(f"{url} never answered")


def test_make_run_configures_the_simulator_as_the_integration_the_api_is_given() -> None:
    argv, env = kommo_simulator_child(
        Settings(host="127.0.0.1", kommo_simulator_port=_free_port()), "http://127.0.0.1:8000"
    )
    assert env["KOMMO_ALLOW_LOOPBACK"] == "true"
    assert env["KOMMO_OAUTH_URL"].endswith("/oauth")
    process = _start(argv)
    try:
        info = _first_line(process)
        assert env["KOMMO_OAUTH_URL"] == f"{info['base_url']}/oauth"
        consent = _get(
            env["KOMMO_OAUTH_URL"],
            params={"client_id": env["KOMMO_CLIENT_ID"], "state": "s1", "mode": "popup"},
        )
        assert consent.status_code == 302
        target = consent.headers["location"]
        assert target.startswith("http://127.0.0.1:8000/api/v1/integrations/kommo/callback?")
        assert "code=" in target
        assert "state=s1" in target
        unknown = _get(env["KOMMO_OAUTH_URL"], params={"client_id": "someone-else"})
        assert unknown.status_code == 400
    finally:
        process.terminate()
        process.wait(timeout=20)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_the_cli_prints_its_json_line_and_serves() -> None:
    process = _start([sys.executable, "-m", "agentplatform.cli", "kommo-simulator", "--port", "0"])
    try:
        info = _first_line(process)
        assert set(info) == {"base_url", "account_id", "subdomain", "token"}
        assert info["base_url"].startswith("http://127.0.0.1:")
        assert info["subdomain"] == "acme"

        response = _get(
            f"{info['base_url']}/api/v4/account",
            headers={"Authorization": f"Bearer {info['token']}"},
        )
        assert response.status_code == 200
        assert response.json()["id"] == info["account_id"]
        assert response.headers["content-type"] == "application/hal+json"
    finally:
        process.terminate()
        process.wait(timeout=20)
