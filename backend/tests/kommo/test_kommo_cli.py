"""`agentplatform kommo-simulator` prints one JSON line and serves the account it describes."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time

import httpx


def test_the_cli_prints_its_json_line_and_serves() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "agentplatform.cli", "kommo-simulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
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
        info = json.loads(line)
        assert set(info) == {"base_url", "account_id", "subdomain", "token"}
        assert info["base_url"].startswith("http://127.0.0.1:")
        assert info["subdomain"] == "acme"

        for _ in range(200):  # the line comes once the port is bound; serving starts just after
            try:
                response = httpx.get(
                    f"{info['base_url']}/api/v4/account",
                    headers={"Authorization": f"Bearer {info['token']}"},
                )
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        assert response.status_code == 200
        assert response.json()["id"] == info["account_id"]
        assert response.headers["content-type"] == "application/hal+json"
    finally:
        process.terminate()
        process.wait(timeout=20)
