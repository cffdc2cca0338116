"""The feature flags the product knows, with their built-in defaults.

A flag is declared here together with the code that obeys it (never ahead of its feature).

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
        Flag("api_keys", "Admins may create API keys for integrators", True),
        Flag("member_invitations", "Admins may invite people to the workspace by link", True),
    )
}
