"""DOCX: python-docx, body paragraphs and tables in order."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from agentplatform.knowledge.documents.parsing.text import one_line, tidy
from agentplatform.knowledge.documents.parsing.types import (
    MAX_DOCX_ENTRIES,
    MAX_DOCX_PARAGRAPHS,
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


_READ_SIZE = 64 * 1024
_ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
)
_BODY = "word/document.xml"
# `<w:p>`, `<w:p/>` and `<w:p w:rsidR=...>`, not `<w:pPr>` nor `<w:proofErr>`.
_PARAGRAPH = re.compile(rb"<w:p[\s/>]")


def _unsafe(unpacked: int, entries: int) -> ParseError:
    return ParseError(
        f"The Word document unpacks to more than {megabytes(unpacked)} in {entries:,} parts, "
        f"more than the {megabytes(MAX_DOCX_UNCOMPRESSED_BYTES)} allowed; it was refused "
        "as unsafe.",
        code="unsafe-archive",
    )


def _count_paragraphs(chunk: bytes, tail: bytes) -> tuple[int, bytes]:
    """Paragraph tags in `tail + chunk`, and the bytes to carry over: the last four, which may
    begin a tag cut in two but cannot hold a whole one (five bytes), so none is counted twice."""
    joined = tail + chunk
    return len(_PARAGRAPH.findall(joined)), joined[-4:]


def _check_docx_archive(data: bytes) -> None:
    """Refuse zip bombs before python-docx unpacks every part into memory.

    The sizes in the central directory are claims: every entry is inflated here as a stream, a
    bounded piece at a time, and what it really holds is counted (an entry that holds more than
    it declares fails its CRC check at the declared end, as damaged). The body's paragraphs are
    counted on the way: millions of empty ones make a small file that takes gigabytes to read.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_DOCX_ENTRIES:
                raise _unsafe(sum(e.file_size for e in entries), len(entries))
            unpacked = paragraphs = 0
            for entry in entries:
                tail = b""
                with archive.open(entry) as stream:
                    while chunk := stream.read(_READ_SIZE):
                        unpacked += len(chunk)
                        if unpacked > MAX_DOCX_UNCOMPRESSED_BYTES:
                            raise _unsafe(unpacked, len(entries))
                        if entry.filename == _BODY:
                            found, tail = _count_paragraphs(chunk, tail)
                            paragraphs += found
    except ParseError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise ParseError(_DOCX_DAMAGED, code="corrupt") from exc
    if paragraphs > MAX_DOCX_PARAGRAPHS:
        raise ParseError(
            f"The Word document has {paragraphs:,} paragraphs, more than the "
            f"{MAX_DOCX_PARAGRAPHS:,} allowed; split it into smaller files.",
            code="too-many-paragraphs",
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
