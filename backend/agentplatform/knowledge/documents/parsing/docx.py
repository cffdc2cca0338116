"""DOCX: python-docx, body paragraphs and tables in order."""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from agentplatform.knowledge.documents.parsing.text import one_line, tidy
from agentplatform.knowledge.documents.parsing.types import (
    MAX_DOCX_ENTRIES,
    MAX_DOCX_UNCOMPRESSED_BYTES,
    Block,
    BlockKind,
    DocumentType,
    ParsedDocument,
    ParseError,
    megabytes,
)

_DOCX_DAMAGED = "The Word document is damaged or is not a .docx file, and cannot be read."
_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.I)
_LIST_STYLE = re.compile(r"^list\b.*?(\d)?$", re.I)


def _check_docx_archive(data: bytes) -> None:
    """Refuse zip bombs before python-docx unpacks every part into memory. The sizes in the
    central directory can be trusted as upper bounds: zipfile stops at the declared size and
    fails on the CRC check if an entry claims less than it holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ParseError(_DOCX_DAMAGED, code="corrupt") from exc
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_DOCX_ENTRIES or unpacked > MAX_DOCX_UNCOMPRESSED_BYTES:
        raise ParseError(
            f"The Word document unpacks to {megabytes(unpacked)} in {len(entries):,} parts, "
            f"more than the {megabytes(MAX_DOCX_UNCOMPRESSED_BYTES)} allowed; it was refused "
            "as unsafe.",
            code="unsafe-archive",
        )


def _style_names(paragraph: DocxParagraph) -> list[str]:
    names: list[str] = []
    style = paragraph.style
    while style is not None and len(names) < 5:  # the style and the ones it is based on
        if style.name:
            names.append(style.name)
        style = style.base_style
    return names


def _docx_table(table: DocxTable) -> list[str]:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell is previous:  # a cell spanning several grid columns is listed once per column
                continue
            previous = cell
            cells.append(one_line(cell.text))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


class _DocxReader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.title: str | None = None
        self._items: list[str] = []
        self._numbers: dict[int, int] = {}

    def read(self, document: docx.document.Document) -> None:
        self.title = one_line(document.core_properties.title or "") or None
        for item in document.iter_inner_content():
            if isinstance(item, DocxTable):
                self._end_list()
                rows = _docx_table(item)
                if rows:
                    self.blocks.append(Block(BlockKind.TABLE, "\n".join(rows)))
            else:
                self._paragraph(item)
        self._end_list()

    def _paragraph(self, paragraph: DocxParagraph) -> None:
        text = tidy(paragraph.text)
        if not text:
            return
        names = _style_names(paragraph)
        level = next((int(m[1]) for n in names if (m := _HEADING_STYLE.match(n))), 0)
        if level or "Title" in names:
            self._end_list()
            if not level:
                self.title = self.title or one_line(text)
            self.blocks.append(Block(BlockKind.HEADING, one_line(text), level=level or 1))
            return
        list_style = next((m for n in names if (m := _LIST_STYLE.match(n))), None)
        numbering = paragraph._p.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")
        if list_style is None and not paragraph._p.xpath("./w:pPr/w:numPr"):
            self._end_list()
            self.blocks.append(Block(BlockKind.PARAGRAPH, text))
            return
        depth = 0
        if numbering:
            depth = min(int(str(numbering[0])), 8) if str(numbering[0]).isdigit() else 0
        elif list_style is not None and list_style[1]:
            depth = int(list_style[1]) - 1
        marker = "- "
        if any("number" in name.lower() for name in names):
            self._numbers = {d: n for d, n in self._numbers.items() if d <= depth}
            self._numbers[depth] = self._numbers.get(depth, 0) + 1
            marker = f"{self._numbers[depth]}. "
        self._items.append("  " * depth + marker + one_line(text))

    def _end_list(self) -> None:
        if self._items:
            self.blocks.append(Block(BlockKind.LIST, "\n".join(self._items)))
        self._items = []
        self._numbers = {}


def parse_docx(data: bytes) -> ParsedDocument:
    _check_docx_archive(data)
    reader = _DocxReader()
    try:
        reader.read(docx.Document(io.BytesIO(data)))
    except Exception as exc:  # python-docx, lxml and zipfile errors on damaged input
        raise ParseError(_DOCX_DAMAGED, code="corrupt") from exc
    title = reader.title or next(
        (block.text for block in reader.blocks if block.kind is BlockKind.HEADING), None
    )
    return ParsedDocument(DocumentType.DOCX, reader.blocks, title=title)
