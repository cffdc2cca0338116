"""Hostile Word documents, made in memory: archives that lie about their sizes, bodies with
millions of empty paragraphs."""

from __future__ import annotations

import io
import struct
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_BODY_START = (
    b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    b'wordprocessingml/2006/main"><w:body>'
)
_BODY_END = b"</w:body></w:document>"


def lying_docx(real_bytes: int, declared_bytes: int) -> bytes:
    """A .docx whose body holds `real_bytes` but whose headers say `declared_bytes`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", _BODY_START + b" " * real_bytes + _BODY_END)
    data = bytearray(buffer.getvalue())
    name = b"word/document.xml"
    local = data.index(name) - 30  # the name follows the 30-byte local header
    central = data.index(name, local + 30 + len(name)) - 46  # and the 46-byte central one
    assert data[local : local + 4] == b"PK\x03\x04"
    assert data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, local + 22, declared_bytes)
    struct.pack_into("<I", data, central + 24, declared_bytes)
    return bytes(data)


def empty_paragraphs_docx(paragraphs: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", _BODY_START + b"<w:p/>" * paragraphs + _BODY_END)
    return buffer.getvalue()
