"""Text clean-up and encodings shared by every parser; plain text and CSV files.

`csv_shape` is also how `detect.py` recognises CSV among the text-like types.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

import charset_normalizer

from agentplatform.core.text.storable import strip_unstorable
from agentplatform.knowledge.documents.parsing.types import (
    CSV_ROWS_PER_BLOCK,
    SUPPORTED,
    Block,
    BlockKind,
    DocumentType,
    ParsedDocument,
    ParseError,
)

_SNIFF_CHARS = 64 * 1024

# --- text clean-up --------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b]")
_INLINE_SPACE = re.compile(r"[^\S\n]+")


def clean(text: str) -> str:
    """Unix newlines, no control characters, nothing PostgreSQL cannot store (NUL, and the lone
    surrogates a PDF's broken ToUnicode map can produce). Every parser's text passes here."""
    text = strip_unstorable(text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text)


def tidy(text: str) -> str:
    """Runs of spaces collapsed, lines stripped, empty lines dropped; newlines kept."""
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in clean(text).split("\n"))
    return "\n".join(line for line in lines if line)


def one_line(text: str) -> str:
    return " ".join(clean(text).split())


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
            "The file is not text in any encoding that could be recognised. " + SUPPORTED,
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


# --- CSV sniffing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CsvShape:
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


def csv_shape(text: str, delimiters: str) -> CsvShape | None:
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
    best: CsvShape | None = None
    single: CsvShape | None = None
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
        shape = CsvShape(
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


# Plain text: paragraphs are separated by blank lines; a paragraph of bullet lines is a list.

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LIST_LINE = re.compile(r"^(?:[-*+\u2022\u2013]|\d{1,3}[.)])\s+\S")


def parse_text(data: bytes) -> ParsedDocument:
    text, encoding = decode_text(data)
    blocks: list[Block] = []
    for paragraph in _PARAGRAPH_BREAK.split(clean(text)):
        body = tidy(paragraph)
        if not body:
            continue
        is_list = all(_LIST_LINE.match(line) for line in body.split("\n"))
        blocks.append(Block(BlockKind.LIST if is_list else BlockKind.PARAGRAPH, body))
    return ParsedDocument(DocumentType.TEXT, blocks, encoding=encoding)


# CSV: the delimiter sniffed, the first row taken as the header and repeated in every block.


def parse_csv(data: bytes) -> ParsedDocument:
    text, encoding = decode_text(data)
    text = clean(text)
    shape = csv_shape(text, ",;\t|")
    delimiter = shape.delimiter if shape is not None else ","
    try:
        rows = [
            " | ".join(one_line(cell) for cell in row)
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
