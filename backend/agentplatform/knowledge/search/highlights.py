"""Highlights for search hits: escaped text with `<mark>` around matched words, or a snippet."""

from __future__ import annotations

import html
import re

SNIPPET_CHARS = 200
MARK_START = "<mark>"
MARK_STOP = "</mark>"
# The text is HTML-escaped before ts_headline sees it (in the SQL function `knowledge_search`,
# migration 0007), so the only markup in a headline is what these options add.
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_STOP}, MaxFragments=2, MaxWords=30, MinWords=10"
)
_WHITESPACE = re.compile(r"\s+")


def snippet(text: str) -> str:
    """The first ~200 characters (whitespace collapsed, cut at a word), HTML-escaped."""
    flat = _WHITESPACE.sub(" ", text).strip()
    if len(flat) > SNIPPET_CHARS:
        cut = flat.rfind(" ", 0, SNIPPET_CHARS + 1)
        flat = flat[: cut if cut > SNIPPET_CHARS // 2 else SNIPPET_CHARS].rstrip() + "…"
    return html.escape(flat)


def tidy_headline(headline: str) -> str:
    """Whitespace collapsed and adjacent marks merged ("<mark>XK</mark><mark>-4471</mark>")."""
    return _WHITESPACE.sub(" ", headline).strip().replace(MARK_STOP + MARK_START, "")
