"""Type detection and parsing of uploaded files, on real files the tests make with libraries."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from agentplatform.core.text.storable import unstorable_reason
from agentplatform.knowledge.documents import parsing
from agentplatform.knowledge.documents.parsing import (
    CSV_ROWS_PER_BLOCK,
    Block,
    BlockKind,
    DocumentType,
    ParseError,
    detect_type,
    parse,
)
from fpdf import FPDF
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter

FILLER = "The premium plan includes priority support and a dedicated manager. "


# --- sample files -----------------------------------------------------------------------------


def make_pdf(pages: int = 3) -> bytes:
    pdf = FPDF()
    pdf.set_title("Price list")
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=18)
        pdf.cell(0, 10, f"Chapter {number}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, f"Page {number} opens here. " + FILLER * 6)
        pdf.ln(6)
        pdf.multi_cell(0, 6, f"Closing words of page {number}. " + FILLER * 3)
    return bytes(pdf.output())


def encrypt_pdf(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_image_pdf() -> bytes:
    image = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 360, 160), outline="black", width=4)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=180)
    return bytes(pdf.output())


def make_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Handbook"
    document.add_heading("Pricing", level=1)
    document.add_paragraph("Our prices are listed below.")
    document.add_heading("Plans", level=2)
    document.add_paragraph("Basic plan", style="List Bullet")
    document.add_paragraph("Includes email support", style="List Bullet 2")
    document.add_paragraph("Sign up", style="List Number")
    document.add_paragraph("Pay", style="List Number")
    table = document.add_table(rows=3, cols=2)
    for row, (plan, price) in enumerate(
        [("Plan", "Price"), ("Basic", "10 EUR"), ("Pro", "49 EUR")]
    ):
        table.cell(row, 0).text = plan
        table.cell(row, 1).text = price
    document.add_paragraph("Prices include VAT.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


HTML = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Acme pricing</title>
<style>body { color: red }</style><script>trackVisitor("SCRIPT-NOISE")</script></head>
<body>
<header><nav><a href="/">NAV-HOME</a> <a href="/blog">NAV-BLOG</a></nav></header>
<main>
  <h1>Pricing</h1>
  <p>All plans are billed <b>monthly</b>.<br>Cancel any time.</p>
  <h2>Plans</h2>
  <ul><li>Basic<ul><li>Email support</li></ul></li><li>Pro</li></ul>
  <table><thead><tr><th>Plan</th><th>Price</th></tr></thead>
  <tbody><tr><td>Basic</td><td>10 EUR</td></tr><tr><td>Pro</td><td>49 EUR</td></tr></tbody></table>
  <pre>curl https://api.example.com/plans
  --header "Accept: json"</pre>
  <div hidden>HIDDEN-NOISE</div>
</main>
<aside>ASIDE-NOISE</aside>
<footer>FOOTER-NOISE Copyright Acme</footer>
</body></html>"""

MARKDOWN = b"""---
title: Support guide
---
# Support

Write to **support@example.com** or read [the FAQ](https://example.com/faq).

## Hours

| Day | Open |
|-----|------|
| Monday | 9-17 |
| Sunday | closed |

1. Open a ticket
2. Wait for the answer
   - usually within a day

```bash
curl https://example.com/status
```
"""

CSV_ROWS = [("Café crème", "2,50", "Boisson chaude à base de café")] * 3 + [
    (f"Crêpe n°{n}", f"{n},20", "Spécialité bretonne très appréciée") for n in range(117)
]


def make_csv() -> bytes:
    lines = ["produit;prix;description"] + [";".join(row) for row in CSV_ROWS]
    return "\r\n".join(lines).encode("latin-1")


TEXT = (
    "Opening hours\n\nWe are open from Monday to Friday.\nOn Saturday we open at ten.\n\n"
    "- Bring your ticket\n- Bring your ID\n"
)


# --- detection --------------------------------------------------------------------------------


def test_a_pdf_named_notes_txt_is_a_pdf() -> None:
    assert detect_type(make_pdf(1), "notes.txt", "text/plain") is DocumentType.PDF


def test_binary_types_are_detected_from_the_bytes_whatever_the_name() -> None:
    assert detect_type(make_docx(), "report.pdf", "application/pdf") is DocumentType.DOCX
    assert detect_type(make_pdf(1), "report.docx") is DocumentType.PDF


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (HTML, DocumentType.HTML),
        (MARKDOWN, DocumentType.MARKDOWN),
        (make_csv(), DocumentType.CSV),
        (TEXT.encode(), DocumentType.TEXT),
    ],
)
def test_text_types_are_detected_from_the_content_alone(
    data: bytes, expected: DocumentType
) -> None:
    assert detect_type(data) is expected
    assert detect_type(data, "upload.bin", "application/octet-stream") is expected


def test_the_name_or_declared_type_only_breaks_ties_between_text_types() -> None:
    # A full HTML document stays HTML, whatever it is called.
    assert detect_type(HTML, "page.md", "text/markdown") is DocumentType.HTML
    # Markdown-looking text in a .txt file, plain text in a .md file: both are valid either way.
    assert detect_type(MARKDOWN, "notes.txt") is DocumentType.TEXT
    assert detect_type(TEXT.encode(), "notes.md") is DocumentType.MARKDOWN
    assert detect_type(TEXT.encode(), None, "text/markdown; charset=utf-8") is DocumentType.MARKDOWN
    # One column of names: a CSV only when the upload says so.
    names = b"name\nAlice\nBob\nCarol\n"
    assert detect_type(names) is DocumentType.TEXT
    assert detect_type(names, "people.csv") is DocumentType.CSV
    # A declared type that the content contradicts is ignored.
    prose = b"Hello, world. We open at nine.\nBring one, two, three or four friends.\n"
    assert detect_type(prose, "x.csv", "text/csv") is DocumentType.TEXT


def test_html_fragments_and_markdown_with_inline_html() -> None:
    assert detect_type(b"<div><p>Hello</p><p>World</p></div>") is DocumentType.HTML
    xhtml = b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><p>Hi</p></html>'
    assert detect_type(xhtml) is DocumentType.HTML
    readme = (
        b'<p align="center"><img src="logo.png"></p>\n\n# Project\n\n'
        b"Read [the docs](https://example.com).\n\n```sh\nmake run\n```\n"
    )
    assert detect_type(readme) is DocumentType.MARKDOWN
    blocks = parse(readme, DocumentType.MARKDOWN).blocks
    assert blocks[0] == Block(BlockKind.HEADING, "Project", level=1)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), ".docx"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "not supported"),
        (bytes(range(256)) * 8, "not supported"),
    ],
)
def test_other_binary_files_are_refused(data: bytes, says: str) -> None:
    with pytest.raises(ParseError, match=says) as caught:
        detect_type(data, "file.txt")
    assert caught.value.code == "unsupported-type"


def _zip(name: str, content: str = "<x/>") -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(name, content)
    return archive.getvalue()


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    with pytest.raises(ParseError, match="not a Word document"):
        detect_type(_zip("notes/readme.txt"), "book.docx")
    with pytest.raises(ParseError, match="An Excel workbook"):
        detect_type(_zip("xl/workbook.xml"), "book.docx")


def test_detecting_a_zip_reads_its_first_header_only() -> None:
    """The request never inflates an archive: a Word-looking archive whose parts are garbage
    is taken as .docx (the worker's parser, with its limits, finds the damage)."""
    data = bytearray(_zip("[Content_Types].xml", "wordprocessingml.document.main+xml" * 100))
    start = 30 + len("[Content_Types].xml")
    data[start : start + 40] = b"\xff" * 40  # the compressed part is no longer deflate data
    assert detect_type(bytes(data), "report.docx") is DocumentType.DOCX
    with pytest.raises(ParseError) as caught:
        parse(bytes(data), DocumentType.DOCX)
    assert caught.value.code == "corrupt"


def test_empty_files_are_refused() -> None:
    with pytest.raises(ParseError) as caught:
        detect_type(b"  \n", "empty.txt")
    assert caught.value.code == "empty"
    with pytest.raises(ParseError, match="empty"):
        parse(b"", DocumentType.TEXT)


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_text_is_extracted_page_by_page() -> None:
    document = parse(make_pdf(3), DocumentType.PDF)
    assert document.page_count == 3
    assert document.title == "Price list"
    assert {block.page for block in document.blocks} == {1, 2, 3}
    assert all(block.kind is BlockKind.PARAGRAPH for block in document.blocks)
    for page in (1, 2, 3):
        text = " ".join(block.text for block in document.blocks if block.page == page)
        assert f"Chapter {page}" in text
        assert f"Page {page} opens here." in text
        assert f"Closing words of page {page}." in text
    # Wrapped lines are joined back into paragraphs: each page has a few blocks, not one per line.
    assert len([b for b in document.blocks if b.page == 1]) <= 4
    assert any(FILLER.strip() in block.text for block in document.blocks)


def test_a_password_protected_pdf_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ParseError, match="password-protected") as caught:
        parse(encrypt_pdf(make_pdf(1), user_password="s3cret"), DocumentType.PDF)
    assert caught.value.code == "encrypted"


def test_a_pdf_encrypted_without_an_open_password_is_read() -> None:
    # Only an owner password (printing or copying restrictions): every viewer opens it.
    encrypted = encrypt_pdf(make_pdf(1), user_password="")
    assert PdfReader(io.BytesIO(encrypted)).is_encrypted
    document = parse(encrypted, detect_type(encrypted))
    assert "Page 1 opens here." in document.blocks[1].text


def test_a_truncated_pdf_is_reported_as_damaged() -> None:
    data = make_pdf(2)
    with pytest.raises(ParseError, match="damaged") as caught:
        parse(data[: len(data) // 2], detect_type(data[: len(data) // 2]))
    assert caught.value.code == "corrupt"


def test_an_image_only_pdf_says_no_text_could_be_extracted() -> None:
    with pytest.raises(ParseError, match="No text could be extracted") as caught:
        parse(make_image_pdf(), DocumentType.PDF)
    assert caught.value.code == "no-text"
    assert "OCR" in str(caught.value)


# --- DOCX -------------------------------------------------------------------------------------


def test_docx_keeps_headings_lists_and_tables_in_order() -> None:
    document = parse(make_docx(), DocumentType.DOCX)
    assert document.title == "Handbook"
    assert document.blocks == [
        Block(BlockKind.HEADING, "Pricing", level=1),
        Block(BlockKind.PARAGRAPH, "Our prices are listed below."),
        Block(BlockKind.HEADING, "Plans", level=2),
        Block(BlockKind.LIST, "- Basic plan\n  - Includes email support\n1. Sign up\n2. Pay"),
        Block(BlockKind.TABLE, "Plan | Price\nBasic | 10 EUR\nPro | 49 EUR"),
        Block(BlockKind.PARAGRAPH, "Prices include VAT."),
    ]


def test_docx_merged_cells_are_read_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Plan and tier"
    table.cell(0, 2).text = "Price"
    for column, value in enumerate(["Pro", "Gold", "49"]):
        table.cell(1, column).text = value
    out = io.BytesIO()
    document.save(out)
    blocks = parse(out.getvalue(), DocumentType.DOCX).blocks
    assert blocks == [Block(BlockKind.TABLE, "Plan and tier | Price\nPro | Gold | 49")]


def test_a_docx_that_unpacks_to_too_much_is_refused_before_parsing() -> None:
    bomb = io.BytesIO(make_docx())
    block = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as zipped,
        zipped.open("word/media/padding.bin", "w", force_zip64=True) as entry,
    ):
        for _ in range(parsing.MAX_DOCX_UNCOMPRESSED_BYTES // len(block) + 1):
            entry.write(block)
    data = bomb.getvalue()
    assert len(data) < 2 * 1024 * 1024  # small on disk, huge unpacked
    assert detect_type(data) is DocumentType.DOCX
    with pytest.raises(ParseError, match="unsafe") as caught:
        parse(data, DocumentType.DOCX)
    assert caught.value.code == "unsafe-archive"


def test_a_damaged_docx_is_refused() -> None:
    data = make_docx()
    with pytest.raises(ParseError) as caught:
        parse(data[: len(data) // 2], DocumentType.DOCX)
    assert caught.value.code == "corrupt"
    assert "Word document" in str(caught.value)


# --- HTML, Markdown, text, CSV ----------------------------------------------------------------


def test_html_keeps_the_content_and_drops_page_furniture() -> None:
    document = parse(HTML, DocumentType.HTML)
    assert document.title == "Acme pricing"
    text = "\n".join(block.text for block in document.blocks)
    for noise in ("SCRIPT", "NAV-", "FOOTER-NOISE", "ASIDE-NOISE", "HIDDEN-NOISE", "color: red"):
        assert noise not in text
    assert document.blocks == [
        Block(BlockKind.HEADING, "Pricing", level=1),
        Block(BlockKind.PARAGRAPH, "All plans are billed monthly.\nCancel any time."),
        Block(BlockKind.HEADING, "Plans", level=2),
        Block(BlockKind.LIST, "- Basic\n  - Email support\n- Pro"),
        Block(BlockKind.TABLE, "Plan | Price\nBasic | 10 EUR\nPro | 49 EUR"),
        Block(
            BlockKind.CODE,
            'curl https://api.example.com/plans\n  --header "Accept: json"',
        ),
    ]


def test_html_in_a_legacy_encoding_is_decoded() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Crème brûlée</p></body></html>'
    document = parse(page.encode("cp1252"), DocumentType.HTML)
    assert document.blocks == [Block(BlockKind.PARAGRAPH, "Crème brûlée")]


def test_markdown_headings_tables_lists_and_code() -> None:
    document = parse(MARKDOWN, DocumentType.MARKDOWN)
    assert document.title == "Support guide"
    assert document.blocks == [
        Block(BlockKind.HEADING, "Support", level=1),
        Block(BlockKind.PARAGRAPH, "Write to support@example.com or read the FAQ."),
        Block(BlockKind.HEADING, "Hours", level=2),
        Block(BlockKind.TABLE, "Day | Open\nMonday | 9-17\nSunday | closed"),
        Block(BlockKind.LIST, "1. Open a ticket\n2. Wait for the answer\n  - usually within a day"),
        Block(BlockKind.CODE, "curl https://example.com/status"),
    ]


def test_csv_with_semicolons_in_latin_1_repeats_the_header_in_every_block() -> None:
    document = parse(make_csv(), DocumentType.CSV)
    assert document.encoding == "cp1252"  # latin-1 and cp1252 agree on these characters
    header = "produit | prix | description"
    rows = [" | ".join(row) for row in CSV_ROWS]
    assert len(document.blocks) == 3  # 120 rows, 50 per block
    for number, block in enumerate(document.blocks):
        assert block.kind is BlockKind.TABLE
        lines = block.text.split("\n")
        assert lines[0] == header
        start = number * CSV_ROWS_PER_BLOCK
        assert lines[1:] == rows[start : start + CSV_ROWS_PER_BLOCK]
    assert "Café crème | 2,50 | Boisson chaude à base de café" in document.blocks[0].text
    assert "Crêpe n°116 | 116,20" in document.blocks[-1].text


def test_csv_quoted_fields_and_tabs() -> None:
    data = b'name\tnote\n"Smith, J."\t"said ""hi""\nthen left"\nDoe\tnone\n'
    assert detect_type(data) is DocumentType.CSV
    block = parse(data, DocumentType.CSV).blocks[0]
    assert block.text == 'name | note\nSmith, J. | said "hi" then left\nDoe | none'


def test_plain_text_paragraphs_lists_and_encodings() -> None:
    expected = [
        Block(BlockKind.PARAGRAPH, "Opening hours"),
        Block(
            BlockKind.PARAGRAPH,
            "We are open from Monday to Friday.\nOn Saturday we open at ten.",
        ),
        Block(BlockKind.LIST, "- Bring your ticket\n- Bring your ID"),
    ]
    assert parse(TEXT.encode(), DocumentType.TEXT).blocks == expected
    assert parse(TEXT.encode("utf-16"), DocumentType.TEXT).blocks == expected
    assert parse(TEXT.replace("\n", "\r\n").encode(), DocumentType.TEXT).blocks == expected

    french = "Le café est servi à partir de huit heures. Les crêpes sont préparées à la demande."
    document = parse(french.encode("latin-1"), DocumentType.TEXT)
    assert document.blocks == [Block(BlockKind.PARAGRAPH, french)]
    assert document.encoding != "utf-8"

    russian = "Привет! Мы открыты с понедельника по пятницу, с девяти до шести часов вечера."  # noqa: RUF001
    assert parse(russian.encode("cp1251"), DocumentType.TEXT).blocks[0].text == russian


def test_control_characters_are_removed() -> None:
    document = parse(b"Total:\x00 42\x07 EUR", DocumentType.TEXT)
    assert document.blocks == [Block(BlockKind.PARAGRAPH, "Total: 42 EUR")]


def pdf_with_to_unicode(cmap: bytes, text: bytes) -> bytes:
    """A one-page PDF whose Helvetica text is mapped to Unicode by the `bfchar` lines `cmap`."""
    to_unicode = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Custom def "
        b"1 begincodespacerange <00> <FF> endcodespacerange "
        + cmap
        + b" endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    content = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%b\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n%b\nendstream" % (len(to_unicode), to_unicode),
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_text_postgresql_cannot_store_is_stripped_from_every_type() -> None:
    # A broken ToUnicode map turns "A" into a lone surrogate and "C" into NUL.
    cmap = b"3 beginbfchar <41> <D800> <42> <0042> <43> <0000> endbfchar"
    pdf = parse(pdf_with_to_unicode(cmap, b"BABCB words here"), DocumentType.PDF)
    assert [block.text for block in pdf.blocks] == ["BBB words here"]
    samples = {
        DocumentType.TEXT: b"Total:\x00 42",
        DocumentType.MARKDOWN: b"# Ti\x00tle\n\n```\ncode\x00 block\n```\n",
        DocumentType.HTML: b"<h1>H\x00i</h1><p>p\x00 &#0; &#xD800;</p><pre>pre\x00</pre>",
        DocumentType.CSV: b"a,b\n1\x00,2\n",
    }
    for doc_type, data in samples.items():
        document = parse(data, doc_type)
        for text in [document.title or "", *(block.text for block in document.blocks)]:
            assert unstorable_reason(text) is None, (doc_type, text)


def test_inputs_above_max_bytes_are_refused() -> None:
    data = TEXT.encode()
    assert parse(data, DocumentType.TEXT, max_bytes=len(data)).blocks
    with pytest.raises(ParseError, match="limit") as caught:
        parse(data, DocumentType.TEXT, max_bytes=len(data) - 1)
    assert caught.value.code == "too-large"
    with pytest.raises(ParseError, match="limit"):
        parse(make_pdf(1), DocumentType.PDF, max_bytes=1024)
