"""The text PostgreSQL can store: no NUL (U+0000), which `text` cannot hold, and no lone
surrogate (U+D800-U+DFFF, which JSON's `\\ud800` escapes or a PDF's broken ToUnicode map can
produce, and UTF-8 cannot encode). Either makes the whole statement fail.

Text a person sends is refused (`core.storable`); text read from a file is stripped. This module
imports nothing but `re`: the parsing sandbox imports it too.
"""

from __future__ import annotations

import re

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_reason(text: str) -> str | None:
    """Why `text` cannot be stored, or None if it can."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "Text may not contain NUL (\\u0000)"
    return f"Text may not contain a lone surrogate (\\u{ord(char):04x})"


def strip_unstorable(text: str) -> str:
    """`text` without the characters PostgreSQL cannot store (for text read from files)."""
    return UNSTORABLE.sub("", text)
