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

Modules: `types` (the vocabulary and limits), `detect` (`detect_type`), `text` (clean-up, encodings,
plain text and CSV), `pdf`, `docx`, `html`, `markdown`; this one is the public API.
"""

from __future__ import annotations

from collections.abc import Callable

from agentplatform.knowledge.documents.parsing.detect import detect_type
from agentplatform.knowledge.documents.parsing.docx import parse_docx
from agentplatform.knowledge.documents.parsing.html import parse_html
from agentplatform.knowledge.documents.parsing.markdown import parse_markdown
from agentplatform.knowledge.documents.parsing.pdf import parse_pdf
from agentplatform.knowledge.documents.parsing.text import decode_text, parse_csv, parse_text
from agentplatform.knowledge.documents.parsing.types import (
    CSV_ROWS_PER_BLOCK,
    DEFAULT_MAX_BYTES,
    MAX_DOCX_ENTRIES,
    MAX_DOCX_PARAGRAPHS,
    MAX_DOCX_UNCOMPRESSED_BYTES,
    MAX_PDF_PAGES,
    MAX_TEXT_CHARS,
    TEXT_LIKE_TYPES,
    Block,
    BlockKind,
    DocumentType,
    ParsedDocument,
    ParseError,
    megabytes,
)

__all__ = [
    "CSV_ROWS_PER_BLOCK",
    "DEFAULT_MAX_BYTES",
    "MAX_DOCX_ENTRIES",
    "MAX_DOCX_PARAGRAPHS",
    "MAX_DOCX_UNCOMPRESSED_BYTES",
    "MAX_PDF_PAGES",
    "MAX_TEXT_CHARS",
    "TEXT_LIKE_TYPES",
    "Block",
    "BlockKind",
    "DocumentType",
    "ParseError",
    "ParsedDocument",
    "decode_text",
    "detect_type",
    "parse",
]

_PARSERS: dict[DocumentType, Callable[[bytes], ParsedDocument]] = {
    DocumentType.PDF: parse_pdf,
    DocumentType.DOCX: parse_docx,
    DocumentType.HTML: parse_html,
    DocumentType.MARKDOWN: parse_markdown,
    DocumentType.TEXT: parse_text,
    DocumentType.CSV: parse_csv,
}


def parse(
    data: bytes, doc_type: DocumentType, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> ParsedDocument:
    """The blocks of `data` read as `doc_type` (from `detect_type`). Raises `ParseError`."""
    if len(data) > max_bytes:
        raise ParseError(
            f"The file is {megabytes(len(data))}; the limit is {megabytes(max_bytes)}.",
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
