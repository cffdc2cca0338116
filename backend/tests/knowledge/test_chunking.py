"""Chunking by tokens with the local model's real tokenizer, on blocks parsed from real files."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Sequence

import docx
import pytest
from agentplatform.ai.local_embedder import get_local_embedder
from agentplatform.knowledge.documents.parsing import Block, BlockKind, DocumentType, parse
from agentplatform.knowledge.index.chunking import HEADING_SEPARATOR, Chunk, chunk
from fpdf import FPDF

Counter = Callable[[list[str]], Sequence[int]]


@pytest.fixture(scope="module")
def count_tokens() -> Counter:
    return get_local_embedder().count_tokens


class CountingCalls:
    """The real tokenizer, remembering how often and with how many texts it was called."""

    def __init__(self, count_tokens: Counter) -> None:
        self._count_tokens = count_tokens
        self.batches: list[int] = []

    def __call__(self, texts: list[str]) -> Sequence[int]:
        self.batches.append(len(texts))
        return self._count_tokens(texts)


def sentences(topic: str, count: int) -> list[str]:
    return [
        f"{topic} fact number {n} says the plan renews every month unless it is cancelled."
        for n in range(count)
    ]


def body(text: str) -> str:
    """A chunk's text without its heading-path line."""
    return text.split("\n", 1)[1]


def check_limits(chunks: list[Chunk], count_tokens: Counter, max_tokens: int) -> None:
    real = count_tokens([c.text for c in chunks])
    assert [c.token_count for c in chunks] == list(real)
    assert max(real) <= max_tokens
    assert [c.index for c in chunks] == list(range(len(chunks)))


# --- sample documents -------------------------------------------------------------------------


def markdown_handbook() -> bytes:
    rows = "\n".join(f"| Plan {n} | {10 * n} EUR | seats {n} |" for n in range(40))
    return (
        "# Pricing\n\n"
        "## Plans\n\n" + " ".join(sentences("Pricing", 30)) + "\n\n"
        "| Plan | Price | Seats |\n|---|---|---|\n" + rows + "\n\n"
        "## Refunds\n\n" + " ".join(sentences("Refund", 12)) + "\n\n"
        "# Support\n\n- Email us\n- Call us\n- Chat with us\n"
    ).encode()


def three_page_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in range(1, 4):
        pdf.add_page()
        pdf.multi_cell(0, 6, " ".join(sentences(f"Page{page}", 12)))
    return bytes(pdf.output())


# --- limits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("max_tokens", "overlap"), [(64, 16), (128, 32), (256, 40)])
def test_every_chunk_respects_max_tokens(
    count_tokens: Counter, max_tokens: int, overlap: int
) -> None:
    blocks = parse(markdown_handbook(), DocumentType.MARKDOWN).blocks
    chunks = chunk(blocks, count_tokens, max_tokens=max_tokens, overlap_tokens=overlap)
    assert len(chunks) > 3
    check_limits(chunks, count_tokens, max_tokens)


def test_chunks_start_with_their_heading_path(count_tokens: Counter) -> None:
    blocks = parse(markdown_handbook(), DocumentType.MARKDOWN).blocks
    chunks = chunk(blocks, count_tokens, max_tokens=128, overlap_tokens=24)
    paths = {tuple(c.heading_path) for c in chunks}
    assert paths == {("Pricing", "Plans"), ("Pricing", "Refunds"), ("Support",)}
    for c in chunks:
        assert c.text.startswith(HEADING_SEPARATOR.join(c.heading_path) + "\n")
    assert chunks[-1].text == "Support\n- Email us\n- Call us\n- Chat with us"


def test_everything_is_kept_and_in_order(count_tokens: Counter) -> None:
    facts = sentences("Pricing", 30)
    blocks = [
        Block(BlockKind.HEADING, "Plans", level=1),
        Block(BlockKind.PARAGRAPH, " ".join(facts)),
    ]
    chunks = chunk(blocks, count_tokens, max_tokens=64, overlap_tokens=20)
    seen = [s for c in chunks for s in facts if s in c.text]
    assert sorted(set(seen), key=facts.index) == facts  # every sentence is somewhere
    firsts = [facts.index(next(s for s in facts if s in c.text)) for c in chunks]
    assert firsts == sorted(firsts)


# --- overlap ----------------------------------------------------------------------------------


def test_overlap_within_a_section_and_none_across_headings(count_tokens: Counter) -> None:
    first, second = sentences("Alpha", 20), sentences("Beta", 20)
    blocks = [
        Block(BlockKind.HEADING, "Alpha", level=1),
        Block(BlockKind.PARAGRAPH, " ".join(first)),
        Block(BlockKind.HEADING, "Beta", level=1),
        Block(BlockKind.PARAGRAPH, " ".join(second)),
    ]
    chunks = chunk(blocks, count_tokens, max_tokens=96, overlap_tokens=30)
    check_limits(chunks, count_tokens, 96)
    alpha = [c for c in chunks if c.heading_path == ["Alpha"]]
    beta = [c for c in chunks if c.heading_path == ["Beta"]]
    assert len(alpha) >= 3
    assert len(beta) >= 3
    for group in (alpha, beta):
        for previous, current in itertools.pairwise(group):
            # The next chunk opens with whole sentences that closed the previous one.
            opening = body(current.text).split(". ")[0] + "."
            assert body(previous.text).endswith(opening)
            carried = count_tokens([opening])[0] - count_tokens([""])[0]
            assert carried <= 30
    # The first chunk under a new heading carries nothing from the section before it.
    assert "Alpha" not in beta[0].text
    assert body(beta[0].text).startswith(second[0])


def test_no_overlap_when_asked(count_tokens: Counter) -> None:
    facts = sentences("Pricing", 20)
    blocks = [Block(BlockKind.PARAGRAPH, " ".join(facts))]
    chunks = chunk(blocks, count_tokens, max_tokens=64, overlap_tokens=0)
    assert sum(c.text.count("fact number") for c in chunks) == len(facts)


def test_long_text_without_sentences_is_cut_between_words_with_overlap(
    count_tokens: Counter,
) -> None:
    words = [f"word{n}" for n in range(600)]
    chunks = chunk(
        [Block(BlockKind.PARAGRAPH, " ".join(words))],
        count_tokens,
        max_tokens=64,
        overlap_tokens=12,
    )
    check_limits(chunks, count_tokens, 64)
    for previous, current in itertools.pairwise(chunks):
        assert previous.text.split()[-1] in current.text.split()[:12]  # overlap, in words
    assert chunks[-1].text.endswith("word599")


def test_a_single_huge_word_is_cut_into_pieces_that_fit(count_tokens: Counter) -> None:
    blob = "".join(f"{n:x}q" for n in range(3000))  # 15k characters, no spaces
    chunks = chunk(
        [Block(BlockKind.PARAGRAPH, blob)], count_tokens, max_tokens=64, overlap_tokens=8
    )
    check_limits(chunks, count_tokens, 64)
    assert "".join(c.text for c in chunks).replace(" ", "").count("q") >= 3000


def test_the_local_models_truncation_is_seen_through(count_tokens: Counter) -> None:
    # The local tokenizer truncates at 256, so a long text "counts" 256; with the default
    # max_tokens=256 the chunks stay one below that ceiling, where a count is exact.
    words = " ".join(f"token{n}" for n in range(3000))
    chunks = chunk([Block(BlockKind.PARAGRAPH, words)], count_tokens)
    assert len(chunks) > 10
    check_limits(chunks, count_tokens, 255)
    assert chunks[-1].text.endswith("token2999")


def test_chunks_do_not_grow_without_bound_on_unknown_words(count_tokens: Counter) -> None:
    # WordPiece reads any word over 100 characters as one [UNK] token.
    blob = "<" + "a" * 100_000
    assert count_tokens([blob])[0] <= 4
    chunks = chunk([Block(BlockKind.PARAGRAPH, blob)], count_tokens, max_tokens=128)
    assert len(chunks) > 10
    assert max(len(c.text) for c in chunks) <= 128 * 12
    assert "".join(c.text for c in chunks).count("a") >= 100_000


# --- tables -----------------------------------------------------------------------------------


def test_a_big_table_is_split_between_rows_with_its_header_in_every_piece(
    count_tokens: Counter,
) -> None:
    header = "Plan | Monthly price | Seats included"
    rows = [f"Plan {n} | {10 * n} EUR | {n} seats" for n in range(60)]
    blocks = [
        Block(BlockKind.HEADING, "Prices", level=1),
        Block(BlockKind.PARAGRAPH, "The table lists every plan."),
        Block(BlockKind.TABLE, "\n".join([header, *rows])),
    ]
    chunks = chunk(blocks, count_tokens, max_tokens=96, overlap_tokens=20)
    check_limits(chunks, count_tokens, 96)
    pieces = [c for c in chunks if "Plan 0 |" in c.text or "Plan 59" in c.text or "EUR" in c.text]
    assert len(pieces) >= 3
    found: list[str] = []
    for piece in pieces:
        lines = body(piece.text).split("\n")
        table_lines = lines[lines.index(header) :]  # the header leads its rows in every piece
        assert table_lines[0] == header
        assert all(line in rows for line in table_lines[1:])  # whole rows only
        found += table_lines[1:]
    assert found == rows  # every row exactly once, in order: rows are not carried over


def test_a_small_table_is_not_split_when_it_fits_a_chunk(count_tokens: Counter) -> None:
    table = "Plan | Price\n" + "\n".join(f"Plan {n} | {n} EUR" for n in range(8))
    blocks = [
        Block(BlockKind.PARAGRAPH, " ".join(sentences("Intro", 5))),
        Block(BlockKind.TABLE, table),
    ]
    chunks = chunk(blocks, count_tokens, max_tokens=96, overlap_tokens=20)
    assert sum(table in c.text for c in chunks) == 1
    assert sum("Plan | Price" in c.text for c in chunks) == 1


def test_csv_blocks_keep_their_header(count_tokens: Counter) -> None:
    csv_data = "sku,name,price\n" + "\n".join(f"{n},Widget {n},{n}.99" for n in range(120))
    blocks = parse(csv_data.encode(), DocumentType.CSV).blocks
    chunks = chunk(blocks, count_tokens, max_tokens=128, overlap_tokens=20)
    check_limits(chunks, count_tokens, 128)
    assert all(c.text.startswith("sku | name | price\n") for c in chunks)
    rows = [line for c in chunks for line in c.text.split("\n")[1:] if line != "sku | name | price"]
    assert rows == [f"{n} | Widget {n} | {n}.99" for n in range(120)]


# --- pages, structure, determinism ------------------------------------------------------------


def test_page_ranges_follow_the_pdf_pages(count_tokens: Counter) -> None:
    blocks = parse(three_page_pdf(), DocumentType.PDF).blocks
    chunks = chunk(blocks, count_tokens, max_tokens=128, overlap_tokens=24)
    check_limits(chunks, count_tokens, 128)
    for c in chunks:
        assert c.page_start is not None
        assert c.page_end is not None
        pages = {p for p in (1, 2, 3) if f"Page{p} fact" in c.text}
        assert c.page_start == min(pages)
        assert c.page_end == max(pages)
    assert chunks[0].page_start == 1
    assert chunks[-1].page_end == 3
    assert any(c.page_start < c.page_end for c in chunks)  # a chunk across a page break


def test_docx_chunks_follow_headings(count_tokens: Counter) -> None:
    document = docx.Document()
    document.add_heading("Onboarding", level=1)
    document.add_heading("Accounts", level=2)
    document.add_paragraph(" ".join(sentences("Accounts", 4)))
    document.add_paragraph("Invite your team", style="List Bullet")
    document.add_heading("Empty section", level=2)
    document.add_heading("Billing", level=1)
    document.add_paragraph("Invoices are sent monthly.")
    out = io.BytesIO()
    document.save(out)
    chunks = chunk(parse(out.getvalue(), DocumentType.DOCX).blocks, count_tokens)
    assert [c.heading_path for c in chunks] == [
        ["Onboarding", "Accounts"],
        ["Onboarding", "Empty section"],
        ["Billing"],
    ]
    assert chunks[0].text.endswith("\n- Invite your team")
    assert chunks[1].text == "Onboarding > Empty section"  # a heading alone still says it exists
    assert chunks[2].text == "Billing\nInvoices are sent monthly."


def test_sentences_are_not_cut_at_abbreviations_or_decimals(count_tokens: Counter) -> None:
    text = "Plans cost approx. 4.99 EUR, e.g. the basic one. " * 30
    chunks = chunk(
        [Block(BlockKind.PARAGRAPH, text)], count_tokens, max_tokens=48, overlap_tokens=0
    )
    for c in chunks:
        assert c.text.startswith("Plans cost approx. 4.99 EUR, e.g. the basic one.")


def test_chunking_is_deterministic_and_counts_in_batches(count_tokens: Counter) -> None:
    blocks = parse(markdown_handbook(), DocumentType.MARKDOWN).blocks
    calls = CountingCalls(count_tokens)
    first = chunk(blocks, calls, max_tokens=96, overlap_tokens=24)
    assert first == chunk(blocks, count_tokens, max_tokens=96, overlap_tokens=24)
    assert len(calls.batches) <= 5  # the empty text, the pieces, [words,] the chunks
    assert sum(calls.batches) < 3 * len(first) + 200


def test_a_tokenizer_that_does_not_add_up_still_gets_chunks_within_the_limit() -> None:
    def count(texts: list[str]) -> list[int]:
        # Every line break costs four tokens and words are counted as they look joined: the sum
        # of the pieces underestimates the whole, so chunks must be checked and cut again.
        return [len(text) // 4 + 4 * text.count("\n") for text in texts]

    lines = "\n".join(f"- item {n} with a short description" for n in range(80))
    blocks = [Block(BlockKind.HEADING, "List", level=1), Block(BlockKind.LIST, lines)]
    chunks = chunk(blocks, count, max_tokens=60, overlap_tokens=10)
    assert max(count([c.text for c in chunks])) <= 60
    assert all(c.text.startswith("List\n") for c in chunks)
    assert sum(c.text.count("with a short description") for c in chunks) >= 80


def test_bad_settings_are_refused(count_tokens: Counter) -> None:
    blocks = [Block(BlockKind.PARAGRAPH, "Hello.")]
    with pytest.raises(ValueError, match="overlap"):
        chunk(blocks, count_tokens, max_tokens=64, overlap_tokens=40)
    with pytest.raises(ValueError, match="no room"):
        chunk(blocks, count_tokens, max_tokens=6, overlap_tokens=0)
    with pytest.raises(ValueError, match="one count"):
        chunk(blocks, lambda texts: [1], max_tokens=64, overlap_tokens=8)
    assert chunk([], count_tokens) == []
