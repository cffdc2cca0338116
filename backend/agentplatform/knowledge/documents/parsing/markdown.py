"""Markdown: markdown-it-py (CommonMark with GitHub tables and strikethrough)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from agentplatform.knowledge.documents.parsing.html import html_blocks, make_soup
from agentplatform.knowledge.documents.parsing.text import clean, decode_text, one_line, tidy
from agentplatform.knowledge.documents.parsing.types import (
    Block,
    BlockKind,
    DocumentType,
    ParsedDocument,
)

_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_MATTER_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.M)


def _md_inline(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "image"):  # an image's content is its alt text
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
    return tidy("".join(parts))


def _md_close(tokens: Sequence[Token], start: int) -> int:
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _md_list(tokens: Sequence[Token]) -> list[str]:
    lines: list[str] = []
    parts: list[str] = []
    depth = 0
    prefix = ""

    def emit() -> None:
        nonlocal prefix
        text = " ".join(part for part in parts if part)
        parts.clear()
        if text:
            lines.append(prefix + one_line(text))
            prefix = "  " * depth  # a further paragraph of the same item

    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            emit()
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            emit()
            depth -= 1
        elif token.type == "list_item_open":
            emit()
            marker = f"{token.info}{token.markup} " if token.info else "- "
            prefix = "  " * (depth - 1) + marker
        elif token.type == "inline":
            parts.append(_md_inline(token))
        elif token.type in ("fence", "code_block"):
            emit()
            lines.extend("  " * depth + line for line in token.content.splitlines() if line.strip())
    emit()
    return lines


def _md_table(tokens: Sequence[Token]) -> list[str]:
    rows: list[str] = []
    cells: list[str] = []
    for token in tokens:
        if token.type == "tr_open":
            cells = []
        elif token.type == "inline":
            cells.append(one_line(_md_inline(token)))
        elif token.type == "tr_close" and any(cells):
            rows.append(" | ".join(cells))
    return rows


def _markdown_blocks(tokens: Sequence[Token]) -> list[Block]:
    blocks: list[Block] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type in ("heading_open", "paragraph_open"):
            text = _md_inline(tokens[index + 1])
            if text and token.type == "heading_open":
                level = int(token.tag[1:])
                blocks.append(Block(BlockKind.HEADING, one_line(text), level=level))
            elif text:
                blocks.append(Block(BlockKind.PARAGRAPH, text))
            index = _md_close(tokens, index) + 1
            continue
        if token.type in ("bullet_list_open", "ordered_list_open", "table_open"):
            end = _md_close(tokens, index)
            if token.type == "table_open":
                lines, kind = _md_table(tokens[index:end]), BlockKind.TABLE
            else:
                lines, kind = _md_list(tokens[index : end + 1]), BlockKind.LIST
            if lines:
                blocks.append(Block(kind, "\n".join(lines)))
            index = end + 1
            continue
        if token.type in ("fence", "code_block"):
            code = "\n".join(line.rstrip() for line in clean(token.content).strip("\n").split("\n"))
            if code.strip():
                blocks.append(Block(BlockKind.CODE, code))
        elif token.type == "html_block":
            blocks.extend(html_blocks(make_soup(token.content)))
        index += 1
    return blocks


def parse_markdown(data: bytes) -> ParsedDocument:
    text, encoding = decode_text(data)
    text = clean(text)
    title = None
    front = _FRONT_MATTER.match(text)
    if front:
        found = _FRONT_MATTER_TITLE.search(front[1])
        title = one_line(found[1].strip("\"'")) if found else None
        text = text[front.end() :]
    blocks = _markdown_blocks(_MARKDOWN.parse(text))
    if not title:
        title = next((b.text for b in blocks if b.kind is BlockKind.HEADING and b.level == 1), None)
    return ParsedDocument(DocumentType.MARKDOWN, blocks, title=title or None, encoding=encoding)
