"""Typed access to what the app keeps on `app.state` (set up in `main.py` or by the tests)."""

from __future__ import annotations

from starlette.requests import Request

from agentplatform.core.settings import Settings


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings
