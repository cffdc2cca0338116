"""The type of an uploaded file, from its bytes.

Magic numbers for PDF and DOCX, markup for HTML, sniffing for CSV, a few signals for Markdown. The
file name and the declared content type only break ties between the text-like types.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from agentplatform.knowledge.documents.parsing.text import clean, csv_shape, decode_text
from agentplatform.knowledge.documents.parsing.types import (
    SUPPORTED,
    TEXT_LIKE_TYPES,
    DocumentType,
    ParseError,
    unsupported,
)

_DETECT_BYTES = 64 * 1024

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


# The first entries a Word document's archive starts with (Word, LibreOffice, Google Docs and
# python-docx all write `[Content_Types].xml` first); other Office formats, named to say so.
_DOCX_FIRST_ENTRIES = ("[Content_Types].xml", "_rels/", "docProps/", "word/")
_OTHER_OFFICE = {"xl/": "An Excel workbook (.xlsx)", "ppt/": "A PowerPoint presentation (.pptx)"}


def _first_entry_name(data: bytes) -> str | None:
    """The name in the archive's first local file header, read from the first bytes only: the
    request never inflates, nor trusts, anything inside an archive (the worker's parser checks
    the whole archive, in a process with limits)."""
    if len(data) < 30:
        return None
    length = int.from_bytes(data[26:28], "little")
    name = data[30 : 30 + length]
    if len(name) != length:
        return None
    return name.decode("utf-8", "replace")


def _zip_type(data: bytes) -> DocumentType:
    name = _first_entry_name(data)
    if name is None:
        raise ParseError(
            "The file looks like a ZIP archive (as .docx files are) but it is damaged.",
            code="corrupt",
        )
    if name.startswith(_DOCX_FIRST_ENTRIES):
        return DocumentType.DOCX
    for prefix, what in _OTHER_OFFICE.items():
        if name.startswith(prefix):
            raise unsupported(what)
    raise unsupported("A ZIP archive that is not a Word document (.docx)")


def _markdown_score(text: str) -> int:
    return sum(weight * min(len(pattern.findall(text)), 2) for pattern, weight in _MARKDOWN_SIGNALS)


def _detect_text_type(text: str, hints: Sequence[DocumentType]) -> DocumentType:
    starts_with_markup = text.lstrip().startswith("<")
    if _HTML_DOCUMENT.match(text) or (starts_with_markup and _HTML_SECTIONS.search(text[:4096])):
        return DocumentType.HTML
    plausible = {DocumentType.TEXT, DocumentType.MARKDOWN}  # any text is valid Markdown
    shape = csv_shape(text, ",;\t")
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
        return _zip_type(data)
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            hint = _LEGACY_WORD_HINT if "Office" in what or "Rich" in what else ""
            raise ParseError(
                f"{what} is not supported.{hint or ' ' + SUPPORTED}", code="unsupported-type"
            )
    sample = data[:_DETECT_BYTES]
    try:
        text, encoding = decode_text(sample, partial=len(data) > len(sample))
    except ParseError as exc:
        raise unsupported("This file type") from exc
    if "\x00" in text and not encoding.startswith(("utf-16", "utf_16", "utf-32", "utf_32")):
        raise unsupported("This file type")
    return _detect_text_type(clean(text), _hints(filename, declared))
