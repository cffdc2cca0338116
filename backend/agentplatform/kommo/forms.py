"""Kommo's form encoding: `application/x-www-form-urlencoded` with PHP-style bracket keys.

Account webhooks arrive as `leads[status][0][custom_fields][10][values][0][enum]=908107`: every
value a string, lists written as maps with integer keys. `parse_form` turns the raw body into
nested dicts and lists, ordering list items by their integer index (so `[10]` comes after `[2]`,
not between `[1]` and `[2]`), and never depends on the order of the fields in the body.
`encode_form` is its inverse (the simulator sends webhooks with it).

Webhook bodies are untrusted: a body that is not form encoding, whose keys do not parse, or that
uses one key both as a value and as a container raises `FormDecodeError` with the reason; sizes
are bounded (`max_fields`, `max_depth`, `max_index`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")

FormValue = str | dict[str, Any] | list[Any]


class FormDecodeError(ValueError):
    """The body is not Kommo's form encoding; the message says why."""


def encode_form(data: Mapping[str, Any]) -> bytes:
    """`{"leads": {"status": [{"id": 1}]}}` → `leads%5Bstatus%5D%5B0%5D%5Bid%5D=1`.

    Values become strings the way Kommo writes them: `True`/`False` as `1`/`0`, `None` as empty.
    """
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        _flatten(str(key), value, pairs)
    return urlencode(pairs).encode("ascii")


def _flatten(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(f"{prefix}[{key}]", item, out)
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        for index, item in enumerate(value):
            _flatten(f"{prefix}[{index}]", item, out)
    elif value is None:
        out.append((prefix, ""))
    elif isinstance(value, bool):
        out.append((prefix, "1" if value else "0"))
    else:
        out.append((prefix, str(value)))


def parse_form(
    body: bytes, *, max_fields: int = 10_000, max_depth: int = 12, max_index: int = 10_000
) -> dict[str, Any]:
    """The nested structure a Kommo form body encodes (see the module docstring)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormDecodeError(f"the body is not UTF-8 (byte {exc.start})") from exc
    if not text.strip():
        raise FormDecodeError("the body is empty")
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, strict_parsing=True, max_num_fields=max_fields
        )
    except ValueError as exc:
        raise FormDecodeError(f"the body is not form encoding: {exc}") from exc

    root: dict[str, Any] = {}
    for key, value in pairs:
        path = _split_key(key, max_depth)
        _insert(root, path, value, key)
    result = _listify(root, max_index)
    assert isinstance(result, dict)
    return result


def _split_key(key: str, max_depth: int) -> list[str]:
    match = _KEY.match(key)
    if match is None:
        raise FormDecodeError(f"the key {key!r} is not a bracket key")
    path = [match.group(1), *_SEGMENT.findall(match.group(2))]
    if len(path) > max_depth:
        raise FormDecodeError(f"the key {key!r} nests deeper than {max_depth} levels")
    return path


def _insert(root: dict[str, Any], path: list[str], value: str, key: str) -> None:
    node = root
    for depth, segment in enumerate(path):
        last = depth == len(path) - 1
        if segment == "":  # `tags[]=a&tags[]=b`: append, as PHP does
            segment = str(sum(1 for k in node if k.isdigit()))
        existing = node.get(segment)
        if last:
            if existing is not None:
                raise FormDecodeError(f"the key {key!r} is given twice or also as a container")
            node[segment] = value
            return
        if existing is None:
            existing = node[segment] = {}
        elif not isinstance(existing, dict):
            raise FormDecodeError(f"the key {key!r} uses a value as a container")
        node = existing


def _listify(node: Any, max_index: int) -> Any:
    """Maps whose keys are all integers become lists ordered by the integer (gaps closed)."""
    if not isinstance(node, dict):
        return node
    items = {key: _listify(value, max_index) for key, value in node.items()}
    if items and all(key.isdigit() for key in items):
        indexes = sorted(items, key=int)
        if int(indexes[-1]) > max_index:
            raise FormDecodeError(f"a list index ({indexes[-1]}) is larger than {max_index}")
        return [items[key] for key in indexes]
    return items
