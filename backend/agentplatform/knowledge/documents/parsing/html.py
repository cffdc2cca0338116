"""HTML: BeautifulSoup with lxml; page furniture dropped, the rest walked in document order.

`html_blocks` and `make_soup` also read the HTML blocks of Markdown files.
"""

from __future__ import annotations

import warnings

from bs4 import BeautifulSoup, Tag
from bs4.dammit import UnicodeDammit
from bs4.element import NavigableString, PreformattedString

from agentplatform.knowledge.documents.parsing.text import clean, decode_text, one_line, tidy
from agentplatform.knowledge.documents.parsing.types import (
    Block,
    BlockKind,
    DocumentType,
    ParsedDocument,
    ParseError,
)

_DROPPED_TAG_NAMES = (
    "script style noscript template nav footer aside form button select textarea iframe object "
    "embed svg canvas dialog"
)
_DROPPED_TAGS = frozenset(_DROPPED_TAG_NAMES.split())
_DROPPED_ROLES = frozenset(
    ("navigation", "banner", "contentinfo", "search", "complementary", "dialog")
)
_HEADING_TAGS = {f"h{level}": level for level in range(1, 7)}
_BLOCK_TAG_NAMES = (
    "address article blockquote body caption dd details div dl dt fieldset figcaption figure "
    "header hr html li main p section summary td th tr"
)
_BLOCK_TAGS = frozenset(_BLOCK_TAG_NAMES.split()) | frozenset(_HEADING_TAGS)


def _html_text(node: Tag, skip: frozenset[str] = frozenset()) -> str:
    parts: list[str] = []

    def collect(element: Tag) -> None:
        for child in element.children:
            if isinstance(child, PreformattedString):  # comments, doctype, CDATA
                continue
            if isinstance(child, NavigableString):
                parts.append(str(child))
            elif isinstance(child, Tag) and child.name not in skip:
                if child.name == "br":
                    parts.append("\n")
                    continue
                block = child.name in _BLOCK_TAGS
                if block:
                    parts.append("\n")
                collect(child)
                if block:
                    parts.append("\n")

    collect(node)
    return tidy("".join(parts))


def _html_list(node: Tag, depth: int) -> list[str]:
    ordered = node.name == "ol"
    start = str(node.get("start") or "1")
    number = int(start) if start.isdigit() else 1
    lines: list[str] = []
    for item in node.find_all("li", recursive=False):
        text = one_line(_html_text(item, skip=frozenset({"ul", "ol"})))
        if text:
            lines.append("  " * depth + (f"{number}. " if ordered else "- ") + text)
        number += 1
        for sub in item.find_all(["ul", "ol"]):
            if sub.find_parent("li") is item:
                lines.extend(_html_list(sub, depth + 1))
    return lines


def _html_table(node: Tag) -> list[str]:
    rows: list[str] = []
    for row in node.find_all("tr"):
        if row.find_parent("table") is not node:  # a row of a nested table
            continue
        cells = [one_line(_html_text(cell)) for cell in row.find_all(["td", "th"], recursive=False)]
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


class _HtmlBlocks:
    """Block elements become blocks; inline content between them becomes paragraphs."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._inline: list[str] = []

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, PreformattedString):
                continue
            if isinstance(child, NavigableString):
                self._inline.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in _HEADING_TAGS:
                self.flush()
                text = one_line(_html_text(child))
                if text:
                    self.blocks.append(Block(BlockKind.HEADING, text, level=_HEADING_TAGS[name]))
            elif name in ("ul", "ol"):
                self.flush()
                lines = _html_list(child, 0)
                if lines:
                    self.blocks.append(Block(BlockKind.LIST, "\n".join(lines)))
            elif name == "table":
                self.flush()
                rows = _html_table(child)
                if rows:
                    self.blocks.append(Block(BlockKind.TABLE, "\n".join(rows)))
            elif name == "pre":
                self.flush()
                code = "\n".join(
                    line.rstrip() for line in clean(child.get_text()).strip("\n").split("\n")
                )
                if code.strip():
                    self.blocks.append(Block(BlockKind.CODE, code))
            elif name == "br":
                self._inline.append("\n")
            elif name in _BLOCK_TAGS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def flush(self) -> None:
        text = tidy("".join(self._inline))
        self._inline = []
        if text:
            self.blocks.append(Block(BlockKind.PARAGRAPH, text))


def _is_furniture(tag: Tag) -> bool:
    """Navigation, scripts, hidden parts and the page's own header: not the document's text."""
    return (
        tag.name in _DROPPED_TAGS
        or tag.get("role") in _DROPPED_ROLES
        or tag.get("aria-hidden") == "true"
        or tag.has_attr("hidden")
        or (tag.name == "header" and tag.find_parent(["main", "article"]) is None)
    )


def make_soup(markup: bytes | str) -> BeautifulSoup:
    with warnings.catch_warnings():  # "looks like a URL/file name", "XML parsed as HTML"
        warnings.simplefilter("ignore")
        return BeautifulSoup(markup, "lxml")


def html_blocks(soup: BeautifulSoup) -> list[Block]:
    for tag in soup.find_all(_is_furniture):
        if not tag.decomposed:
            tag.decompose()
    root = soup.find("main") or soup.body or soup
    walker = _HtmlBlocks()
    try:
        walker.walk(root)
    except RecursionError as exc:
        raise ParseError("The HTML is nested too deeply to be read.", code="corrupt") from exc
    walker.flush()
    return walker.blocks


def parse_html(data: bytes) -> ParsedDocument:
    # The encoding from a BOM, <meta charset> or a guess (UnicodeDammit, as BeautifulSoup does);
    # control characters go before lxml sees the text, as it refuses them.
    dammit = UnicodeDammit(data, is_html=True)
    if dammit.unicode_markup is not None and dammit.original_encoding:
        markup, encoding = dammit.unicode_markup, str(dammit.original_encoding)
    else:
        markup, encoding = decode_text(data)
    soup = make_soup(clean(markup))
    title_tag = soup.find("title")
    title = one_line(title_tag.get_text()) if title_tag is not None else ""
    blocks = html_blocks(soup)
    if not title:
        title = next((b.text for b in blocks if b.kind is BlockKind.HEADING and b.level == 1), "")
    return ParsedDocument(DocumentType.HTML, blocks, title=title or None, encoding=encoding)
