"""PDF: pypdf, text per page; paragraphs recovered from line lengths (PDFs have no paragraphs)."""

from __future__ import annotations

import io
import re
import unicodedata

import pypdf

from agentplatform.knowledge.documents.parsing.text import clean, one_line
from agentplatform.knowledge.documents.parsing.types import (
    MAX_PDF_PAGES,
    Block,
    BlockKind,
    DocumentType,
    ParsedDocument,
    ParseError,
)

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
        " ".join(line.split()) for line in clean(unicodedata.normalize("NFKC", text)).split("\n")
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


def parse_pdf(data: bytes) -> ParsedDocument:
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
    title = one_line(metadata_title or "") or None
    return ParsedDocument(DocumentType.PDF, blocks, title=title, page_count=page_count)
