"""The parser's vocabulary: document types, blocks, parsed documents, `ParseError`, limits."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: Inputs above this size are refused unless the caller passes another `max_bytes`.
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
#: PDFs with more pages are refused (text extraction is about 10-50 ms a page).
MAX_PDF_PAGES = 2_000
#: A DOCX whose zip entries add up to more than this when unpacked is refused (zip bomb guard).
MAX_DOCX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_DOCX_ENTRIES = 5_000
#: A DOCX body with more paragraphs is refused (a 1,000-page document has about 30,000).
MAX_DOCX_PARAGRAPHS = 200_000
#: A document that yields more text than this is refused (about 4 million tokens).
MAX_TEXT_CHARS = 20_000_000
#: Rows of a CSV file per table block; each block repeats the header row.
CSV_ROWS_PER_BLOCK = 50


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


SUPPORTED = "Upload a PDF, Word (.docx), HTML, Markdown, plain text or CSV file."


def unsupported(what: str) -> ParseError:
    return ParseError(f"{what} is not supported. {SUPPORTED}", code="unsupported-type")


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


@dataclass(frozen=True)
class ParseLimits:
    """What parsing one file may take (see `sandbox`)."""

    memory_bytes: int
    cpu_seconds: int
    wall_seconds: float
    output_bytes: int
