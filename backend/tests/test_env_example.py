"""env.example documents exactly the settings that exist, with their real defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from agentplatform.core.settings import Settings

ENV_EXAMPLE = Path(__file__).parents[2] / "env.example"
# `NAME=value` or a commented-out `# NAME=value`.
ASSIGNMENT = re.compile(r"^(?P<comment>#\s*)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


def _lines() -> list[str]:
    return ENV_EXAMPLE.read_text().splitlines()


def _assignments() -> list[tuple[int, str, bool]]:
    """(line index, name, commented) for every assignment that names a setting (not *_FILE)."""
    fields = {name.upper() for name in Settings.model_fields}
    found = []
    for index, line in enumerate(_lines()):
        match = ASSIGNMENT.match(line)
        if not match:
            continue
        name, commented = match["name"], bool(match["comment"])
        if commented and name.endswith("_FILE") and name.removesuffix("_FILE") in fields:
            continue  # the `<NAME>_FILE` explanation at the top
        found.append((index, name, commented))
    return found


def test_every_setting_is_documented() -> None:
    names = {name for _, name, _ in _assignments()}
    missing = sorted(name.upper() for name in Settings.model_fields if name.upper() not in names)
    assert not missing, f"env.example lacks {missing}"


def test_only_settings_are_named() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    unknown = sorted(name for _, name, _ in _assignments() if name not in fields)
    assert not unknown, f"env.example names variables Settings does not read: {unknown}"


def test_each_setting_once_with_a_comment_above() -> None:
    lines = _lines()
    seen: set[str] = set()
    for index, name, _ in _assignments():
        assert name not in seen, f"{name} appears twice"
        seen.add(name)
        above = lines[index - 1] if index else ""
        assert above.startswith("#"), f"{name} has no comment line above it"
        assert not ASSIGNMENT.match(above), f"{name}: the line above is not a description"


def test_file_variant_is_explained() -> None:
    assert "<NAME>_FILE" in ENV_EXAMPLE.read_text()


def test_uncommented_values_are_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(f"{name.upper()}_FILE", raising=False)
    from_example = Settings(_env_file=ENV_EXAMPLE)
    defaults = Settings(_env_file=None)
    assert from_example.model_dump() == defaults.model_dump()
