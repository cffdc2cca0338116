"""The SPA's client is generated from `frontend/openapi.json`; that file must match the API."""

from __future__ import annotations

import json
from pathlib import Path

from agentplatform.openapi import main, openapi_schema, render

COMMITTED = Path(__file__).resolve().parents[2] / "frontend" / "openapi.json"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def test_committed_schema_is_current() -> None:
    assert COMMITTED.is_file(), "frontend/openapi.json is missing: run `make client`"
    current = render(openapi_schema())
    assert COMMITTED.read_text(encoding="utf-8") == current, (
        "frontend/openapi.json is stale: run `make client` and commit it with src/client"
    )


def test_every_operation_has_a_stable_unique_id() -> None:
    schema = openapi_schema()
    ids: list[str] = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            operation_id = operation.get("operationId")
            assert operation_id, f"{method.upper()} {path} has no operationId"
            tag = operation["tags"][0]
            assert operation_id.startswith(f"{tag}-"), f"{operation_id} is not `<tag>-<function>`"
            ids.append(operation_id)
    assert ids
    assert len(ids) == len(set(ids)), "operationIds must be unique"


def test_module_writes_sorted_json_with_trailing_newline(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "openapi.json"
    assert main([str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
