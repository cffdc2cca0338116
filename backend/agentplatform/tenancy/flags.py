"""The feature flags the product knows, with their built-in defaults.

`FEATURE_FLAGS` in the environment overrides a default for every tenant; a tenant's own override
(stored in `feature_flag_override`) wins over both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Flag:
    key: str
    description: str
    default: bool


FLAGS: dict[str, Flag] = {
    flag.key: flag
    for flag in (
        Flag("test_chat", "Try agents in the test chat before switching them on", True),
        Flag("knowledge_graph", "Extract entities and relations from knowledge documents", True),
        Flag("web_sources", "Add knowledge from web pages by URL", True),
        Flag("automation_sequences", "Timed follow-up sequences defined by rules", False),
        Flag("kommo_sync", "Synchronise pipelines, leads and contacts from Kommo", True),
        Flag("api_keys", "Let admins create API keys for integrators", True),
    )
}
