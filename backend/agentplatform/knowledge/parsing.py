"""Uploaded files to an ordered list of text blocks, the input of the chunker.

`detect_type` decides the type from the bytes: magic numbers for PDF and DOCX, markup for HTML,
sniffing for CSV, a few signals for Markdown. The file name and the declared content type only break
ties between the text-like types (a PDF named `notes.txt` is a PDF; a `.txt` file that happens to
contain `# Title` stays plain text).

`parse` turns the bytes of a known type into `Block`s (headings with their level, paragraphs,
tables, lists and code) in reading order, plus a title and, for PDFs, the page count. Tables are
one block each, a row per line as `cell | cell`, the first line being the header row; the chunker
repeats that line in every piece of a table it has to split. A CSV file becomes one table block per
`CSV_ROWS_PER_BLOCK` rows, each starting with the header row.

Libraries: pypdf (PDF), python-docx (DOCX), BeautifulSoup with lxml (HTML), markdown-it-py
(Markdown), charset-normalizer (the encoding of text that is not UTF-8). Parsing is synchronous and
CPU-bound: it runs in the worker, never in a request.

Every failure a user can cause (a damaged, encrypted, image-only, oversized or unsupported file)
raises `ParseError`, whose message can be shown as it is and whose `code` is stable.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

import charset_normalizer
import docx
import pypdf
from bs4 import BeautifulSoup, Tag
from bs4.dammit import UnicodeDammit
from bs4.element import NavigableString, PreformattedString
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from markdown_it import MarkdownIt
from markdown_it.token import Token

#: Inputs above this size are refused unless the caller passes another `max_bytes`.
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
#: PDFs with more pages are refused (text extraction is about 10-50 ms a page).
MAX_PDF_PAGES = 2_000
#: A DOCX whose zip entries add up to more than this when unpacked is refused (zip bomb guard).
MAX_DOCX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_DOCX_ENTRIES = 5_000
#: A document that yields more text than this is refused (about 4 million tokens).
MAX_TEXT_CHARS = 20_000_000
#: Rows of a CSV file per table block; each block repeats the header row.
CSV_ROWS_PER_BLOCK = 50

_SNIFF_CHARS = 64 * 1024
_DETECT_BYTES = 64 * 1024


class DocumentType(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"
    CSV = "csv"


TEXT_LIKE_TYPES = frozenset(
    {DocumentType.HTML, DocumentType.MARKDOWN, DocumentType.TEXT, DocumentType.CSV}
)


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    TABLE = "table"  # one row per line, `a | b`; the first line is the header row
    LIST = "list"  # one item per line, `- item` or `1. item`, nested items indented
    CODE = "code"  # preformatted lines (Markdown fences, HTML <pre>)


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str
    level: int = 0  # 1-9 for headings, 0 otherwise
    page: int | None = None  # 1-based, PDFs only


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    doc_type: DocumentType
    blocks: list[Block]
    title: str | None = None
    page_count: int | None = None  # PDFs only
    encoding: str | None = None  # text-like inputs: the encoding the bytes were decoded with


class ParseError(ValueError):
    """The file cannot be turned into text; `str(error)` is a message for the person who sent it.

    Codes: too-large, empty, unsupported-type, encrypted, corrupt, no-text, unsafe-archive,
    encoding, too-much-text.
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


_SUPPORTED = "Upload a PDF, Word (.docx), HTML, Markdown, plain text or CSV file."


def _unsupported(what: str) -> ParseError:
    return ParseError(f"{what} is not supported. {_SUPPORTED}", code="unsupported-type")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


# --- text clean-up --------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b]")
_INLINE_SPACE = re.compile(r"[^\S\n]+")


def _clean(text: str) -> str:
    """Unix newlines, no control characters (PostgreSQL text cannot hold NUL)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _tidy(text: str) -> str:
    """Runs of spaces collapsed, lines stripped, empty lines dropped; newlines kept."""
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in _clean(text).split("\n"))
    return "\n".join(line for line in lines if line)


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


# --- encodings ------------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# charset-normalizer often rates several single-byte code pages about the same on short Western
# European text, and may pick a rare one that turns "n°" into "nḞ". The most widely used one wins
# when it reads the text with hardly more mess and at least as much sense (coherence).
_PREFERRED_ENCODINGS = ("cp1252", "latin_1", "iso8859_15")
_CHAOS_TOLERANCE = 0.05


def decode_text(data: bytes, *, partial: bool = False) -> tuple[str, str]:
    """(text, encoding): a BOM if present, else UTF-8 if valid, else charset-normalizer's guess.

    `partial` means `data` is a prefix of the file: a character cut at the end is not an error.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return data[: exc.start].decode("utf-8"), "utf-8"
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise ParseError(
            "The file is not text in any encoding that could be recognised. " + _SUPPORTED,
            code="encoding",
        )
    by_encoding = {match.encoding: match for match in matches}
    for encoding in _PREFERRED_ENCODINGS:
        match = by_encoding.get(encoding)
        if (
            match is not None
            and match.chaos <= best.chaos + _CHAOS_TOLERANCE
            and match.coherence >= best.coherence
        ):
            return str(match), encoding
    return str(best), best.encoding


# --- type detection -------------------------------------------------------------------------------

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "An old Office file (.doc, .xls or .ppt)"),
    (b"{\\rtf", "Rich Text Format (.rtf)"),
    (b"\x89PNG", "An image"),
    (b"\xff\xd8\xff", "An image"),
    (b"GIF8", "An image"),
    (b"II*\x00", "An image"),
    (b"MM\x00*", "An image"),
    (b"\x1f\x8b", "A compressed archive"),
    (b"7z\xbc\xaf", "A compressed archive"),
    (b"Rar!", "A compressed archive"),
)
_LEGACY_WORD_HINT = " Save it as .docx or PDF and upload it again."

_EXTENSIONS = {
    ".pdf": DocumentType.PDF,
    ".docx": DocumentType.DOCX,
    ".html": DocumentType.HTML,
    ".htm": DocumentType.HTML,
    ".xhtml": DocumentType.HTML,
    ".md": DocumentType.MARKDOWN,
    ".markdown": DocumentType.MARKDOWN,
    ".mdown": DocumentType.MARKDOWN,
    ".mkd": DocumentType.MARKDOWN,
    ".txt": DocumentType.TEXT,
    ".text": DocumentType.TEXT,
    ".csv": DocumentType.CSV,
    ".tsv": DocumentType.CSV,
}
_MEDIA_TYPES = {
    "application/pdf": DocumentType.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DocumentType.DOCX,
    "text/html": DocumentType.HTML,
    "application/xhtml+xml": DocumentType.HTML,
    "text/markdown": DocumentType.MARKDOWN,
    "text/x-markdown": DocumentType.MARKDOWN,
    "text/plain": DocumentType.TEXT,
    "text/csv": DocumentType.CSV,
    "application/csv": DocumentType.CSV,
    "text/tab-separated-values": DocumentType.CSV,
}

_HTML_DOCUMENT = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])", re.I | re.S
)
_HTML_SECTIONS = re.compile(r"<(?:head|body)[\s>]", re.I)
_HTML_TAG = re.compile(
    r"</?(?:p|div|span|a|h[1-6]|ul|ol|li|table|tr|td|th|br|img|section|article|main|header|"
    r"footer|nav|strong|em|b|i|pre|code|blockquote)\b[^<>]{0,500}>",
    re.I,
)
_MARKDOWN_SIGNALS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^#{1,6}[ \t]+\S", re.M), 2),  # ATX heading
    (re.compile(r"^\S[^\n]*\n(?:=+|-+)[ \t]*$", re.M), 2),  # setext heading
    (re.compile(r"^[ \t]*(?:```|~~~)", re.M), 2),  # fenced code
    (re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*$", re.M), 3),
    (re.compile(r"\[[^\]\n]{1,200}\]\([^)\s]{1,500}\)"), 2),  # link
    (re.compile(r"(\*\*|__)\S[^\n]{0,200}?\S\1"), 1),  # strong emphasis
    (re.compile(r"^[ \t]*[-*+][ \t]+\S", re.M), 1),  # bullet
    (re.compile(r"^>[ \t]?\S", re.M), 1),  # block quote
)
_MARKDOWN_THRESHOLD = 3
# (Repetitions in these patterns are bounded: they run on untrusted text and must stay linear.)


def _hints(filename: str | None, declared: str | None) -> list[DocumentType]:
    """Text-like types suggested by the declared content type and the file name, in that order
    (a bare `text/plain`, which many clients send for anything, comes after the name)."""
    from_declared = None
    if declared:
        from_declared = _MEDIA_TYPES.get(declared.split(";", 1)[0].strip().lower())
    from_name = None
    if filename:
        from_name = _EXTENSIONS.get(PurePosixPath(filename.replace("\\", "/")).suffix.lower())
    ordered: list[DocumentType] = []
    if from_declared is not None and from_declared is not DocumentType.TEXT:
        ordered.append(from_declared)
    if from_name is not None:
        ordered.append(from_name)
    if from_declared is DocumentType.TEXT:
        ordered.append(DocumentType.TEXT)
    return [hint for hint in ordered if hint in TEXT_LIKE_TYPES]


def _is_pdf(data: bytes) -> bool:
    if data[:1024].lstrip()[:5] == b"%PDF-":
        return True
    # Readers accept a header anywhere in the first KiB; demand the trailer too in that case.
    return b"%PDF-" in data[:1024] and b"%%EOF" in data[-2048:]


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return True
            info = (
                archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            )
            if info is None or info.file_size > 1024 * 1024:
                return False
            types = archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ParseError(
            "The file looks like a ZIP archive (as .docx files are) but it is damaged.",
            code="corrupt",
        ) from exc
    return b"wordprocessingml.document.main+xml" in types


@dataclass(frozen=True, slots=True)
class _CsvShape:
    delimiter: str
    rows: int
    columns: int  # the most common number of fields in a row
    consistency: float  # share of rows with that number of fields
    mean_cell: float  # average characters per cell


def _csv_sample(text: str) -> str:
    if len(text) <= _SNIFF_CHARS:
        return text
    sample = text[:_SNIFF_CHARS]
    cut = sample.rfind("\n")
    return sample[:cut] if cut > 0 else sample


def _csv_shape(text: str, delimiters: str) -> _CsvShape | None:
    """The delimiter that splits the sample into the most regular table (csv.Sniffer's first)."""
    sample = _csv_sample(text)
    truncated = len(sample) < len(text)
    candidates = list(delimiters)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=delimiters).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in candidates:
        candidates.remove(sniffed)
        candidates.insert(0, sniffed)
    best: _CsvShape | None = None
    single: _CsvShape | None = None
    for delimiter in candidates:
        try:
            rows = [
                row
                for row in csv.reader(io.StringIO(sample), delimiter=delimiter)
                if any(cell.strip() for cell in row)
            ]
        except csv.Error:
            continue
        if truncated and len(rows) > 1:
            rows.pop()  # may end inside a quoted field
        if not rows:
            return None
        width, count = Counter(len(row) for row in rows).most_common(1)[0]
        cells = [cell for row in rows for cell in row]
        shape = _CsvShape(
            delimiter=delimiter,
            rows=len(rows),
            columns=width,
            consistency=count / len(rows),
            mean_cell=sum(len(cell.strip()) for cell in cells) / max(len(cells), 1),
        )
        if width < 2:
            single = single or shape
        elif best is None or (shape.consistency, shape.columns) > (best.consistency, best.columns):
            best = shape
    return best or single


def _markdown_score(text: str) -> int:
    return sum(weight * min(len(pattern.findall(text)), 2) for pattern, weight in _MARKDOWN_SIGNALS)


def _detect_text_type(text: str, hints: Sequence[DocumentType]) -> DocumentType:
    starts_with_markup = text.lstrip().startswith("<")
    if _HTML_DOCUMENT.match(text) or (starts_with_markup and _HTML_SECTIONS.search(text[:4096])):
        return DocumentType.HTML
    plausible = {DocumentType.TEXT, DocumentType.MARKDOWN}  # any text is valid Markdown
    shape = _csv_shape(text, ",;\t")
    if shape is not None and shape.consistency == 1.0:
        plausible.add(DocumentType.CSV)
    html_like = starts_with_markup and len(_HTML_TAG.findall(text)) >= 2
    if html_like:
        plausible.add(DocumentType.HTML)
    for hint in hints:
        if hint in plausible:
            return hint
    markdown = _markdown_score(text) >= _MARKDOWN_THRESHOLD
    if html_like and not markdown:
        return DocumentType.HTML
    if (
        shape is not None
        and shape.consistency == 1.0
        and shape.columns >= 2
        and shape.rows >= 3
        and shape.mean_cell <= 40
    ):
        return DocumentType.CSV
    if markdown:
        return DocumentType.MARKDOWN
    return DocumentType.TEXT


def detect_type(
    data: bytes, filename: str | None = None, declared: str | None = None
) -> DocumentType:
    """The type of `data`, from its content; `filename` and `declared` only break ties between
    text-like types. Raises `ParseError` for empty input and for files of other kinds."""
    if not data.strip():
        raise ParseError("The file is empty.", code="empty")
    if _is_pdf(data):
        return DocumentType.PDF
    if data.startswith(b"PK\x03\x04"):
        if _is_docx(data):
            return DocumentType.DOCX
        raise _unsupported("A ZIP archive that is not a Word document (.docx)")
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            hint = _LEGACY_WORD_HINT if "Office" in what or "Rich" in what else ""
            raise ParseError(
                f"{what} is not supported.{hint or ' ' + _SUPPORTED}", code="unsupported-type"
            )
    sample = data[:_DETECT_BYTES]
    try:
        text, encoding = decode_text(sample, partial=len(data) > len(sample))
    except ParseError as exc:
        raise _unsupported("This file type") from exc
    if "\x00" in text and not encoding.startswith(("utf-16", "utf_16", "utf-32", "utf_32")):
        raise _unsupported("This file type")
    return _detect_text_type(_clean(text), _hints(filename, declared))


# --- parsing --------------------------------------------------------------------------------------


def parse(
    data: bytes, doc_type: DocumentType, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> ParsedDocument:
    """The blocks of `data` read as `doc_type` (from `detect_type`). Raises `ParseError`."""
    if len(data) > max_bytes:
        raise ParseError(
            f"The file is {_megabytes(len(data))}; the limit is {_megabytes(max_bytes)}.",
            code="too-large",
        )
    if not data.strip():
        raise ParseError("The file is empty.", code="empty")
    document = _PARSERS[DocumentType(doc_type)](data)
    if not document.blocks:
        raise ParseError("The document contains no text.", code="no-text")
    if sum(len(block.text) for block in document.blocks) > MAX_TEXT_CHARS:
        raise ParseError(
            f"The document contains more than {MAX_TEXT_CHARS:,} characters of text; "
            "split it into smaller files.",
            code="too-much-text",
        )
    return document


# PDF: pypdf, text per page; paragraphs recovered from line lengths (PDFs have no paragraphs).

_PDF_LOCKED = (
    "The PDF is password-protected. Remove the password (for example by printing it to a new "
    "PDF) and upload it again."
)
_PDF_DAMAGED = (
    "The PDF file is damaged or incomplete and cannot be read. Export it again from the "
    "application that made it and upload the new file."
)
_PDF_NO_TEXT = (
    "No text could be extracted from the PDF: it seems to contain only scanned images. "
    "Text recognition (OCR) is not supported; upload a PDF with selectable text."
)
_HYPHENATED = re.compile(r"[^\W\d_]-$")


def _pdf_paragraphs(text: str) -> list[str]:
    """Lines of one page grouped into paragraphs: a line clearly shorter than the page's usual
    line length (a paragraph's last line, a heading, a list item) ends its paragraph."""
    lines = [
        " ".join(line.split()) for line in _clean(unicodedata.normalize("NFKC", text)).split("\n")
    ]
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return []
    usual = lengths[int(0.9 * (len(lengths) - 1))]
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if line:
            if not current:
                current = line
            elif _HYPHENATED.search(current) and line[:1].islower():
                current = current[:-1] + line  # a word broken across lines
            else:
                current = f"{current} {line}"
        if current and (not line or len(line) < 0.7 * usual):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _parse_pdf(data: bytes) -> ParsedDocument:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
            raise ParseError(_PDF_LOCKED, code="encrypted")
        page_count = len(reader.pages)
    except ParseError:
        raise
    except pypdf.errors.FileNotDecryptedError as exc:
        raise ParseError(_PDF_LOCKED, code="encrypted") from exc
    except Exception as exc:  # pypdf raises many kinds on damaged input
        raise ParseError(_PDF_DAMAGED, code="corrupt") from exc
    if page_count == 0:
        raise ParseError(_PDF_DAMAGED, code="corrupt")
    if page_count > MAX_PDF_PAGES:
        raise ParseError(
            f"The PDF has {page_count:,} pages; the limit is {MAX_PDF_PAGES:,}. "
            "Split it into smaller files.",
            code="too-large",
        )
    blocks: list[Block] = []
    unreadable = 0
    for number in range(1, page_count + 1):
        try:
            text = reader.pages[number - 1].extract_text()
        except Exception:  # one damaged page: keep the others
            unreadable += 1
            continue
        blocks.extend(
            Block(BlockKind.PARAGRAPH, paragraph, page=number)
            for paragraph in _pdf_paragraphs(text)
        )
    if not blocks:
        if unreadable == page_count:
            raise ParseError(_PDF_DAMAGED, code="corrupt")
        raise ParseError(_PDF_NO_TEXT, code="no-text")
    try:
        metadata_title = reader.metadata.title if reader.metadata else None
    except Exception:  # damaged metadata is no reason to refuse the text
        metadata_title = None
    title = _one_line(metadata_title or "") or None
    return ParsedDocument(DocumentType.PDF, blocks, title=title, page_count=page_count)


# DOCX: python-docx, body paragraphs and tables in order.

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
            f"The Word document unpacks to {_megabytes(unpacked)} in {len(entries):,} parts, "
            f"more than the {_megabytes(MAX_DOCX_UNCOMPRESSED_BYTES)} allowed; it was refused "
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
            cells.append(_one_line(cell.text))
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
        self.title = _one_line(document.core_properties.title or "") or None
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
        text = _tidy(paragraph.text)
        if not text:
            return
        names = _style_names(paragraph)
        level = next((int(m[1]) for n in names if (m := _HEADING_STYLE.match(n))), 0)
        if level or "Title" in names:
            self._end_list()
            if not level:
                self.title = self.title or _one_line(text)
            self.blocks.append(Block(BlockKind.HEADING, _one_line(text), level=level or 1))
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
        self._items.append("  " * depth + marker + _one_line(text))

    def _end_list(self) -> None:
        if self._items:
            self.blocks.append(Block(BlockKind.LIST, "\n".join(self._items)))
        self._items = []
        self._numbers = {}


def _parse_docx(data: bytes) -> ParsedDocument:
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


# HTML: BeautifulSoup with lxml; page furniture dropped, the rest walked in document order.

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
    return _tidy("".join(parts))


def _html_list(node: Tag, depth: int) -> list[str]:
    ordered = node.name == "ol"
    start = str(node.get("start") or "1")
    number = int(start) if start.isdigit() else 1
    lines: list[str] = []
    for item in node.find_all("li", recursive=False):
        text = _one_line(_html_text(item, skip=frozenset({"ul", "ol"})))
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
        cells = [
            _one_line(_html_text(cell)) for cell in row.find_all(["td", "th"], recursive=False)
        ]
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
                text = _one_line(_html_text(child))
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
                    line.rstrip() for line in _clean(child.get_text()).strip("\n").split("\n")
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
        text = _tidy("".join(self._inline))
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


def _soup(markup: bytes | str) -> BeautifulSoup:
    with warnings.catch_warnings():  # "looks like a URL/file name", "XML parsed as HTML"
        warnings.simplefilter("ignore")
        return BeautifulSoup(markup, "lxml")


def _html_blocks(soup: BeautifulSoup) -> list[Block]:
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


def _parse_html(data: bytes) -> ParsedDocument:
    # The encoding from a BOM, <meta charset> or a guess (UnicodeDammit, as BeautifulSoup does);
    # control characters go before lxml sees the text, as it refuses them.
    dammit = UnicodeDammit(data, is_html=True)
    if dammit.unicode_markup is not None and dammit.original_encoding:
        markup, encoding = dammit.unicode_markup, str(dammit.original_encoding)
    else:
        markup, encoding = decode_text(data)
    soup = _soup(_clean(markup))
    title_tag = soup.find("title")
    title = _one_line(title_tag.get_text()) if title_tag is not None else ""
    blocks = _html_blocks(soup)
    if not title:
        title = next((b.text for b in blocks if b.kind is BlockKind.HEADING and b.level == 1), "")
    return ParsedDocument(DocumentType.HTML, blocks, title=title or None, encoding=encoding)


# Markdown: markdown-it-py (CommonMark with GitHub tables and strikethrough).

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
    return _tidy("".join(parts))


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
            lines.append(prefix + _one_line(text))
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
            cells.append(_one_line(_md_inline(token)))
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
                blocks.append(Block(BlockKind.HEADING, _one_line(text), level=level))
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
            code = "\n".join(
                line.rstrip() for line in _clean(token.content).strip("\n").split("\n")
            )
            if code.strip():
                blocks.append(Block(BlockKind.CODE, code))
        elif token.type == "html_block":
            blocks.extend(_html_blocks(_soup(token.content)))
        index += 1
    return blocks


def _parse_markdown(data: bytes) -> ParsedDocument:
    text, encoding = decode_text(data)
    text = _clean(text)
    title = None
    front = _FRONT_MATTER.match(text)
    if front:
        found = _FRONT_MATTER_TITLE.search(front[1])
        title = _one_line(found[1].strip("\"'")) if found else None
        text = text[front.end() :]
    blocks = _markdown_blocks(_MARKDOWN.parse(text))
    if not title:
        title = next((b.text for b in blocks if b.kind is BlockKind.HEADING and b.level == 1), None)
    return ParsedDocument(DocumentType.MARKDOWN, blocks, title=title or None, encoding=encoding)


# Plain text: paragraphs are separated by blank lines; a paragraph of bullet lines is a list.

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LIST_LINE = re.compile(r"^(?:[-*+\u2022\u2013]|\d{1,3}[.)])\s+\S")


def _parse_text(data: bytes) -> ParsedDocument:
    text, encoding = decode_text(data)
    blocks: list[Block] = []
    for paragraph in _PARAGRAPH_BREAK.split(_clean(text)):
        body = _tidy(paragraph)
        if not body:
            continue
        is_list = all(_LIST_LINE.match(line) for line in body.split("\n"))
        blocks.append(Block(BlockKind.LIST if is_list else BlockKind.PARAGRAPH, body))
    return ParsedDocument(DocumentType.TEXT, blocks, encoding=encoding)


# CSV: the delimiter sniffed, the first row taken as the header and repeated in every block.


def _parse_csv(data: bytes) -> ParsedDocument:
    text, encoding = decode_text(data)
    text = _clean(text)
    shape = _csv_shape(text, ",;\t|")
    delimiter = shape.delimiter if shape is not None else ","
    try:
        rows = [
            " | ".join(_one_line(cell) for cell in row)
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            if any(cell.strip() for cell in row)
        ]
    except csv.Error as exc:
        raise ParseError(f"The CSV file cannot be read: {exc}.", code="corrupt") from exc
    if not rows:
        return ParsedDocument(DocumentType.CSV, [], encoding=encoding)
    header, body = rows[0], rows[1:]
    blocks = [
        Block(BlockKind.TABLE, "\n".join([header, *body[start : start + CSV_ROWS_PER_BLOCK]]))
        for start in range(0, max(len(body), 1), CSV_ROWS_PER_BLOCK)
    ]
    return ParsedDocument(DocumentType.CSV, blocks, encoding=encoding)


_PARSERS: dict[DocumentType, Callable[[bytes], ParsedDocument]] = {
    DocumentType.PDF: _parse_pdf,
    DocumentType.DOCX: _parse_docx,
    DocumentType.HTML: _parse_html,
    DocumentType.MARKDOWN: _parse_markdown,
    DocumentType.TEXT: _parse_text,
    DocumentType.CSV: _parse_csv,
}
