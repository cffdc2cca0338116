"""Text PostgreSQL cannot store (NUL, lone surrogates) is a 422 naming the field, on every route.

The routes, their parameters and their bodies are read from the OpenAPI schema, so routes added
later are covered without editing this file. Each request carries one bad string, in one place.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_owner, login

METHODS = ("get", "post", "put", "patch", "delete")
NUL = "ok\u0000ok"

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Probe:
    """One bad string: where it goes (`path` below `body`) and the field a 422 must name."""

    path: Path
    field: str


class Schema:
    def __init__(self, openapi: dict[str, Any]) -> None:
        self.components = openapi.get("components", {}).get("schemas", {})

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self.components[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def branches(self, node: dict[str, Any]) -> list[dict[str, Any]]:
        """The alternatives of an anyOf/oneOf (null left out), or the node itself."""
        node = self.resolve(node)
        alternatives = node.get("anyOf") or node.get("oneOf")
        if not alternatives:
            return [node]
        out = [self.resolve(a) for a in alternatives if self.resolve(a).get("type") != "null"]
        return out or [node]

    def sample(self, node: dict[str, Any], depth: int = 0) -> Any:
        """A plausible minimal value: required properties only."""
        node = self.branches(node)[0]
        if "const" in node:
            return node["const"]
        if "enum" in node:
            return node["enum"][0]
        if "default" in node and node["default"] is not None:
            return node["default"]
        kind = node.get("type")
        if kind == "object" or "properties" in node:
            if depth > 6:
                return {}
            required = node.get("required", [])
            return {
                name: self.sample(prop, depth + 1)
                for name, prop in node.get("properties", {}).items()
                if name in required
            }
        if kind == "array":
            minimum = node.get("minItems", 0)
            return [self.sample(node.get("items", {}), depth + 1) for _ in range(minimum)]
        if kind == "integer":
            return max(node.get("minimum", 1), 1)
        if kind == "number":
            return max(node.get("minimum", 0.5), 0.5)
        if kind == "boolean":
            return False
        if kind == "string":
            return self.string(node)
        return None

    def string(self, node: dict[str, Any]) -> str:
        fmt = node.get("format")
        if fmt == "email":
            return "someone@example.com"
        if fmt in {"uri", "url"}:
            return "https://example.com/"
        if fmt == "uuid":
            return str(uuid.uuid4())
        if fmt == "date-time":
            return "2030-01-01T00:00:00Z"
        if fmt == "date":
            return "2030-01-01"
        if fmt == "password":
            return "a long enough password 123"
        return "x" * max(int(node.get("minLength", 1)), 8)

    def strings(self, node: dict[str, Any], path: Path = (), named: Path = ()) -> Iterator[Probe]:
        """Every place a string can go below `node`, optional properties included; `named` is
        the path to the innermost property (a 422 names it, or a list item or key below it)."""
        if len(path) > 8:
            return
        field = ".".join(str(p) for p in ("body", *named))
        for branch in self.branches(node):
            if branch.get("type") == "string" and "enum" not in branch and "const" not in branch:
                yield Probe(path, field)
            elif branch.get("type") == "object" or "properties" in branch:
                for name, prop in branch.get("properties", {}).items():
                    yield from self.strings(prop, (*path, name), (*path, name))
                extra = branch.get("additionalProperties")
                if isinstance(extra, dict):
                    yield Probe((*path, NUL), field)  # the key itself
                    yield from self.strings(extra, (*path, "key"), named)
            elif branch.get("type") == "array":
                yield from self.strings(branch.get("items", {}), (*path, 0), named)

    def fill(self, body: Any, node: dict[str, Any], path: Path) -> Any:
        """`body` with the bad string at `path`, the containers on the way made as needed."""
        if not path:
            return NUL
        head, rest = path[0], path[1:]
        branch = next(
            (
                b
                for b in self.branches(node)
                if (isinstance(head, int) and b.get("type") == "array")
                or (isinstance(head, str) and (b.get("type") == "object" or "properties" in b))
            ),
            self.branches(node)[0],
        )
        if isinstance(head, int):
            items = branch.get("items", {})
            out = list(body) if isinstance(body, list) else []
            if not out:
                out = [self.sample(items)]
            out[0] = self.fill(out[0], items, rest)
            return out
        out_map = dict(body) if isinstance(body, dict) else {}
        child = branch.get("properties", {}).get(head) or branch.get("additionalProperties") or {}
        if head == NUL and not rest:  # the key itself is the bad string
            out_map[NUL] = self.sample(child)
            return out_map
        current = out_map.get(head)
        if current is None:
            current = self.sample(child)
        out_map[head] = self.fill(current, child, rest)
        return out_map


def operations(app: FastAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in app.openapi()["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def url_for(path: str, tenant_id: uuid.UUID, bad: str | None = None) -> str:
    out = path.replace("{tenant_id}", str(tenant_id)) if bad != "tenant_id" else path
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        name = out[start + 1 : end]
        value = quote(NUL) if name == bad else str(uuid.uuid4()) if name.endswith("id") else "x"
        out = out[:start] + value + out[end + 1 :]
    return out


def named(body: dict[str, Any], field: str) -> bool:
    errors = body.get("errors") or []
    return any(e["field"] == field or e["field"].startswith(field + ".") for e in errors)


async def test_nul_anywhere_is_a_422_naming_the_field(app: FastAPI, db: AsyncSession) -> None:
    # A 500 is an answer here, not an exception, so that every failing field is listed.
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        await _probe_every_field(app, client, db)


async def _probe_every_field(app: FastAPI, client: AsyncClient, db: AsyncSession) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    schema = Schema(app.openapi())
    tenant = owner.tenant.id
    failures: list[str] = []
    probes = 0

    async def check(method: str, where: str, field: str, **kwargs: Any) -> None:
        nonlocal probes
        probes += 1
        response = await client.request(method, where, **kwargs)
        if response.status_code == 422 and named(response.json(), field):
            return
        failures.append(f"{method} {where} {field}: {response.status_code} {response.text[-300:]}")

    for method, path, operation in operations(app):
        for param in operation.get("parameters", []):
            kinds = {b.get("type") for b in schema.branches(param.get("schema", {}))}
            if param["in"] == "path":
                await check(method, url_for(path, tenant, param["name"]), f"path.{param['name']}")
            elif param["in"] == "query" and "string" in kinds:
                await check(
                    method,
                    url_for(path, tenant),
                    f"query.{param['name']}",
                    params={param["name"]: NUL},
                )
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            node = content["application/json"]["schema"]
            minimal = schema.sample(node)
            for probe in schema.strings(node):
                body = schema.fill(minimal, node, probe.path)
                await check(
                    method,
                    url_for(path, tenant),
                    probe.field,
                    content=json.dumps(body),
                    headers={"Content-Type": "application/json"},
                )
        if "multipart/form-data" in content:
            node = schema.resolve(content["multipart/form-data"]["schema"])
            properties = node.get("properties", {})
            files = [n for n, p in properties.items() if _is_file(schema, p)]
            fields = [n for n in properties if n not in files]
            for bad in [*files, *fields]:
                parts: list[tuple[str, str | None, str]] = [
                    (n, None, NUL) for n in fields if n == bad
                ]
                parts += [(n, NUL + ".txt" if n == bad else "notes.txt", bad) for n in files]
                field = f"body.{bad}.filename" if bad in files else f"body.{bad}"
                payload, content_type = multipart(parts)
                await check(
                    method,
                    url_for(path, tenant),
                    field,
                    content=payload,
                    headers={"Content-Type": content_type},
                )
    assert probes > 50
    assert failures == []


def multipart(parts: list[tuple[str, str | None, str]]) -> tuple[bytes, str]:
    """A multipart body written by hand: httpx would percent-encode a NUL in a file name, a
    browser or curl need not. Parts are (name, file name or None for a field, text)."""
    boundary = "nulprobe" + uuid.uuid4().hex
    out = b""
    for name, filename, text in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if filename is not None:
            out += b"Content-Type: text/plain\r\n"
            text = f"Plain words about {text} for the knowledge base."  # unique: no duplicate
        out += b"\r\n" + text.encode() + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def _is_file(schema: Schema, node: dict[str, Any]) -> bool:
    return any(
        b.get("format") == "binary" or "contentMediaType" in b for b in schema.branches(node)
    )


async def test_lone_surrogates_are_refused_too(client: AsyncClient, db: AsyncSession) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    base = f"/api/v1/tenants/{owner.tenant.id}"
    raw = b'{"name": "broken \\ud83d half", "description": "ok"}'
    response = await client.post(
        f"{base}/knowledge/collections", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("body.name", "string_unstorable")]
    # ... even as a key, which the answer echoes in the error's location
    raw = b'{"name": "fine", "working_hours": {"days": {"\\udc80": []}}}'
    response = await client.post(
        f"{base}/agents", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
