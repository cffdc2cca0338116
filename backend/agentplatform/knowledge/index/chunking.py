"""Parsed blocks to chunks of at most `max_tokens` tokens, ready to embed.

Blocks are packed greedily under their heading path; every chunk's text starts with that path
(`Pricing > Plans`, on its own line) so that a chunk read alone still says what it is about, and
the path counts towards the limit (a path longer than a quarter of a chunk is shortened in the
text to its last heading; `Chunk.heading_path` keeps it whole). A new heading always starts a new
chunk; a heading with nothing under it becomes a chunk of its own path.

Within a section, a block that would not fit in what is left of the current chunk but fits in a
fresh one starts the next chunk; a block bigger than a whole chunk is cut: paragraphs and list
items at sentence ends, then between words; tables between rows, each piece starting with the
table's header row; code between lines. A single sentence, row or line longer than a chunk is cut
between words (the one case where a table row is split), and a single word longer than that
between characters.

Consecutive chunks of one section overlap: the next chunk starts with the last sentences (or
words, list items, code lines) of the previous one, up to `overlap_tokens`. Table rows are not
carried over (the repeated header gives the context instead) and nothing is carried across
headings.

Tokens are counted with the caller's function, which takes a list of texts and returns their
counts (for the local model: `LocalEmbedder.count_tokens`, which includes [CLS]/[SEP]). It is
called a handful of times per document, each time with a batch: once to calibrate (the cost of an
empty text, and whether counts stop at a ceiling), once for all sentences, rows and heading paths,
a few more times only if some of them must be cut, and once to verify the finished chunks. Sizes
are planned by adding the counts of the pieces, which is exact for tokenizers that split on white
space first (BERT's WordPiece) and close for others; a finished chunk whose real count is over the
limit anyway is cut in halves until every part fits, so the limit holds for any tokenizer.

A counter with a ceiling (the local model truncates at 256 tokens, so every long text counts 256)
cannot tell a text that just fits from a longer one; `max_tokens` is then kept one below the
ceiling, so that the default 256 gives chunks of at most 255 tokens that the model reads whole.
The same input always gives the same chunks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum

from agentplatform.knowledge.documents.parsing import Block, BlockKind

TokenCounter = Callable[[list[str]], Sequence[int]]

HEADING_SEPARATOR = " > "
#: At most this share of a chunk goes to its heading path; a longer path is shortened in the text.
_MAX_PREFIX_SHARE = 4
_PREFIX_WORDS = 12
#: Texts are sized as at least one token per this many characters (English is about 4).
_MAX_CHARS_PER_TOKEN = 12
#: Below this many tokens of room for text a chunk cannot hold much; refuse such settings.
_MIN_BUDGET = 8


@dataclass(frozen=True, slots=True)
class Chunk:
    text: str  # heading path line (when there is a heading) + the chunk's content
    heading_path: list[str]
    page_start: int | None
    page_end: int | None
    token_count: int  # as counted by the caller's function on `text`
    index: int


class _Role(Enum):
    TEXT = "text"  # a sentence, word, list item or code line: may be carried over as overlap
    HEADER = "header"  # a table's header row: repeated at the top of each piece of the table
    ROW = "row"  # a table row: never carried over


@dataclass(slots=True)
class _Unit:
    text: str
    sep: str  # put before the unit when it follows another one in a chunk
    page: int | None
    role: _Role
    tokens: int = 0


@dataclass(slots=True)
class _Item:
    """One block as units; tables keep their header apart."""

    units: list[_Unit]
    header: _Unit | None = None


@dataclass(slots=True)
class _Section:
    path: list[str]
    level: int
    page: int | None  # the heading's page
    blocks: list[Block] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    prefix: str = ""
    prefix_tokens: int = 0


@dataclass(frozen=True, slots=True)
class _Draft:
    path: list[str]
    prefix: str
    units: list[_Unit]
    page: int | None = None  # heading-only drafts: the heading's page

    @property
    def text(self) -> str:
        if not self.units:
            return self.prefix
        body = self.units[0].text + "".join(unit.sep + unit.text for unit in self.units[1:])
        return f"{self.prefix}\n{body}" if self.prefix else body


# --- splitting --------------------------------------------------------------------------------

# Not ai/sentences.py's splitter: it drops text, never cuts uncased scripts (Arabic), is quadratic.
# A sentence ends at . ! ? or … (closing quotes and brackets stay with it) followed by white space
# and something that does not start with a lower-case letter or a digit; or at a CJK full stop.
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])[\"'\u201d\u2019\u00bb)\]]*(\s+)(?=\S)")
_CJK_SENTENCE_END = re.compile(r"(?<=[\u3002\uff01\uff1f])(?=[^\s\u3002\uff01\uff1f])")
_WORD = re.compile(r"(\s*)(\S+)")
_WORDLIKE = re.compile(r"[^\W\d_]{2}")


def _separator(space: str) -> str:
    return "\n" if "\n" in space else " "


def _sentences(text: str) -> list[tuple[str, str]]:
    """(separator before, sentence) pairs; the first separator is empty."""
    cuts: list[tuple[int, int, str]] = []  # (sentence end, next start, separator)
    for match in _SENTENCE_END.finditer(text):
        following = text[match.end() : match.end() + 1]
        if following.islower() or following.isdigit():  # "e.g. this", "approx. 4.99", "No. 5"
            continue
        cuts.append((match.start(1), match.end(), _separator(match[1])))
    cuts += [(match.start(), match.start(), "") for match in _CJK_SENTENCE_END.finditer(text)]
    cuts.sort()
    pieces: list[tuple[str, str]] = []
    start, sep = 0, ""
    checked, wordy = 0, False  # how far `text[start:]` was searched for a word; found one?
    for end, next_start, next_sep in cuts:
        wordy = wordy or _WORDLIKE.search(text, checked, end) is not None
        checked = max(checked, next_start)
        if wordy:  # not "1." or "a)" alone
            pieces.append((sep, text[start:end]))
            start, sep, wordy = next_start, next_sep, False
    if text[start:].strip():
        pieces.append((sep, text[start:]))
    return pieces


def _words(unit: _Unit) -> list[_Unit]:
    words = [
        replace(unit, text=match[2], sep=_separator(match[1]) if index else unit.sep)
        for index, match in enumerate(_WORD.finditer(unit.text))
    ]
    return words if len(words) > 1 else _halves(unit)


def _halves(unit: _Unit) -> list[_Unit]:
    if len(unit.text) < 2:
        return [unit]
    cut = len(unit.text) // 2
    return [replace(unit, text=unit.text[:cut]), replace(unit, text=unit.text[cut:], sep="")]


def _text_units(text: str, page: int | None) -> list[_Unit]:
    return [_Unit(sentence, sep, page, _Role.TEXT) for sep, sentence in _sentences(text)]


def _item(block: Block) -> _Item | None:
    lines = [line.strip() for line in block.text.split("\n") if line.strip()]
    if not lines:
        return None
    units: list[_Unit]
    header: _Unit | None = None
    if block.kind is BlockKind.TABLE:
        rows = [_Unit(line, "\n", block.page, _Role.ROW) for line in lines]
        if len(rows) > 1:
            header = replace(rows.pop(0), role=_Role.HEADER)
        units = rows
    elif block.kind is BlockKind.CODE:
        units = [
            _Unit(line.rstrip(), "\n", block.page, _Role.TEXT) for line in block.text.split("\n")
        ]
        units = [unit for unit in units if unit.text.strip()]
    elif block.kind is BlockKind.LIST:
        units = []
        for line in (line.rstrip() for line in block.text.split("\n") if line.strip()):
            pieces = _text_units(line, block.page)
            pieces[0].sep = "\n"
            units += pieces
    else:
        units = _text_units(block.text.strip(), block.page)
    if not units and header is None:
        return None
    first = header if header is not None else units[0]
    first.sep = "\n"
    return _Item(units, header)


# --- counting ---------------------------------------------------------------------------------


class _Counter:
    """Counts in batches; `tokens(text)` is what `text` adds to a chunk (no special tokens).

    `overhead` is the count of an empty text (special tokens). `limit` is the count at which the
    function stops counting (a tokenizer set to truncate, like the local model's at 256), found by
    counting a long text and the same text twice: a count that does not grow is a ceiling.
    """

    def __init__(self, count_tokens: TokenCounter, max_tokens: int) -> None:
        self._count_tokens = count_tokens
        self._known: dict[str, int] = {}
        probe = " ".join(["a"] * (2 * max_tokens + 8))
        self.overhead, once, twice = self.count(["", probe, f"{probe} {probe}"])
        self.limit = once if twice <= once else None

    def count(self, texts: list[str]) -> list[int]:
        counts = [int(count) for count in self._count_tokens(texts)]
        if len(counts) != len(texts) or any(count < 0 for count in counts):
            raise ValueError("count_tokens must return one count (>= 0) per text")
        return counts

    def learn(self, texts: Iterable[str]) -> None:
        missing = list(dict.fromkeys(text for text in texts if text not in self._known))
        if missing:
            for text, count in zip(missing, self.count(missing), strict=True):
                self._known[text] = max(0, count - self.overhead)

    def tokens(self, text: str) -> int:
        # A text that the tokenizer finds short but is very long (WordPiece reads a 100 kB "word"
        # as one unknown token) is sized by its length, so that no chunk grows without bound.
        return max(self._known[text], len(text) // _MAX_CHARS_PER_TOKEN)

    def measure(self, units: Iterable[_Unit]) -> None:
        units = list(units)
        self.learn(unit.text for unit in units)
        for unit in units:
            unit.tokens = self.tokens(unit.text)


# --- packing ----------------------------------------------------------------------------------


class _Packer:
    """Greedy packing of one section's units into drafts, with overlap inside the section."""

    def __init__(self, section: _Section, budget: int, overlap_tokens: int) -> None:
        self._section = section
        self._capacity = budget - section.prefix_tokens
        self._overlap_tokens = overlap_tokens
        self._units: list[_Unit] = []
        self._used = 0
        self._fresh = False  # the current draft holds something not carried over
        self.drafts: list[_Draft] = []

    def run(self) -> list[_Draft]:
        for item in self._section.items:
            if item.header is not None:
                self._table(item.header, item.units)
            else:
                self._block(item.units)
        self._flush(carry=False)
        return self.drafts

    def _room(self) -> int:
        return self._capacity - self._used

    def _tail(self) -> list[_Unit]:
        """The last text units of the current draft, up to `overlap_tokens`."""
        tail: list[_Unit] = []
        size = 0
        for unit in reversed(self._units):
            if unit.role is not _Role.TEXT or size + unit.tokens > self._overlap_tokens:
                break
            tail.append(unit)
            size += unit.tokens
        return tail[::-1]

    def _flush(self, *, carry: bool = True) -> None:
        if not self._fresh:
            return
        self.drafts.append(_Draft(self._section.path, self._section.prefix, list(self._units)))
        self._units = self._tail() if carry else []
        self._used = sum(unit.tokens for unit in self._units)
        self._fresh = False

    def _start_fresh_if_better(self, size: int) -> None:
        """A block that does not fit what is left but fits a new chunk starts the new chunk."""
        if self._fresh and size > self._room():
            carried = sum(unit.tokens for unit in self._tail())
            if size <= self._capacity - carried:
                self._flush()

    def _add(self, unit: _Unit) -> None:
        if unit.tokens > self._room():
            self._flush()
            if unit.tokens > self._room():  # the carried-over tail leaves too little room
                self._units, self._used = [], 0
        self._units.append(unit)
        self._used += unit.tokens
        self._fresh = True

    def _block(self, units: list[_Unit]) -> None:
        self._start_fresh_if_better(sum(unit.tokens for unit in units))
        for unit in units:
            self._add(unit)

    def _table(self, header: _Unit, rows: list[_Unit]) -> None:
        self._start_fresh_if_better(header.tokens + sum(row.tokens for row in rows))
        if rows and header.tokens + rows[0].tokens > self._room():
            self._flush()  # never leave a header without a row at the end of a chunk
        self._add(header)
        for row in rows:
            if row.tokens > self._room():
                self._flush()  # the tail is rows: nothing is carried over
                self._add(replace(header, sep="\n"))
            self._add(row)


# --- the whole document -----------------------------------------------------------------------


def _sections(blocks: Iterable[Block]) -> list[_Section]:
    sections = [_Section(path=[], level=0, page=None)]
    stack: list[tuple[int, str]] = []
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            title = " ".join(block.text.split())
            if not title:
                continue
            level = max(block.level, 1)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            sections.append(_Section([t for _, t in stack], level, block.page))
        elif block.text.strip():
            sections[-1].blocks.append(block)
    return sections


def _prefix_candidates(path: list[str]) -> list[str]:
    """The heading path as it appears in a chunk, from the full path down to a shortened title."""
    if not path:
        return [""]
    last_words = path[-1].split()
    shortened = " ".join(last_words[:_PREFIX_WORDS])
    return list(dict.fromkeys([HEADING_SEPARATOR.join(path), path[-1], shortened]))


def _refine(counter: _Counter, lists: list[tuple[list[_Unit], int]]) -> None:
    """Replace, in place, each unit above its list's limit by words, then by halves of words,
    counting each round's new pieces in one batch."""
    split: Callable[[_Unit], list[_Unit]] = _words
    while True:
        pending = [(units, limit) for units, limit in lists if any(u.tokens > limit for u in units)]
        if not pending:
            return
        fresh: list[_Unit] = []
        progress = False
        for units, limit in pending:
            replaced: list[_Unit] = []
            for unit in units:
                if unit.tokens <= limit:
                    replaced.append(unit)
                    continue
                parts = split(unit)
                progress = progress or len(parts) > 1
                fresh += parts
                replaced += parts
            units[:] = replaced
        if not progress:
            return  # single characters: nothing smaller to cut
        counter.measure(fresh)
        split = _halves


def _settle(counter: _Counter, drafts: list[_Draft], max_tokens: int) -> list[tuple[_Draft, int]]:
    """Real counts of the finished chunks; a chunk over the limit is halved until it fits."""
    if not drafts:
        return []
    settled: list[tuple[_Draft, int]] = []
    for draft, count in zip(drafts, counter.count([d.text for d in drafts]), strict=True):
        parts = _split_draft(draft) if count > max_tokens else None
        if parts is None:
            settled.append((draft, count))
        else:
            settled += _settle(counter, parts, max_tokens)
    return settled


def _split_draft(draft: _Draft) -> list[_Draft] | None:
    units = draft.units
    head = units[:1] if len(units) > 1 and units[0].role is _Role.HEADER else []
    body = units[len(head) :]
    if len(body) >= 2:
        middle = len(body) // 2
        parts = [body[:middle], body[middle:]]
    elif body and len(body[0].text) >= 2:
        parts = [[half] for half in _halves(body[0])]
    else:
        return None
    return [replace(draft, units=head + part) for part in parts]


def _pages(draft: _Draft) -> tuple[int | None, int | None]:
    pages = [unit.page for unit in draft.units if unit.page is not None]
    if not pages:
        return draft.page, draft.page
    return min(pages), max(pages)


def chunk(
    blocks: Iterable[Block],
    count_tokens: TokenCounter,
    *,
    max_tokens: int = 256,
    overlap_tokens: int = 40,
    header: str = "",
) -> list[Chunk]:
    """Chunks of `blocks` (from `parsing.parse`) of at most `max_tokens` tokens each, as counted by
    `count_tokens`, in document order. `overlap_tokens` (at most half of `max_tokens`) is how much
    of a chunk's end is repeated at the start of the next one in the same section. `header` (the
    document's title, `headers.header_title`) is put before each chunk's text when it is embedded:
    room is kept for it (at most a quarter of a chunk), so that the model reads header and text
    whole; it is not part of the chunks' text."""
    if overlap_tokens < 0 or overlap_tokens > max_tokens // 2:
        raise ValueError("overlap_tokens must be between 0 and half of max_tokens")
    counter = _Counter(count_tokens, max_tokens)
    if counter.limit is not None and max_tokens >= counter.limit:
        # A count at the ceiling may stand for any longer text: stay below it, so that such a
        # count is always over the limit and gets cut.
        max_tokens = counter.limit - 1
    budget = max_tokens - counter.overhead
    if budget < _MIN_BUDGET:
        raise ValueError(f"max_tokens={max_tokens} leaves no room for text")
    if header.strip():
        counter.learn([header])
        reserved = min(counter.tokens(header) + 1, budget // _MAX_PREFIX_SHARE)  # + the " > "
        budget -= reserved
        max_tokens -= reserved

    sections = _sections(blocks)
    for section in sections:
        section.items = [item for block in section.blocks if (item := _item(block)) is not None]
    units = [
        unit
        for section in sections
        for item in section.items
        for unit in ([item.header] if item.header else []) + item.units
    ]
    prefixes = [text for section in sections for text in _prefix_candidates(section.path)]
    counter.learn(prefixes + [unit.text for unit in units])
    for unit in units:
        unit.tokens = counter.tokens(unit.text)

    # Heading paths that would crowd the text out are shortened in the chunk text.
    limits: list[tuple[list[_Unit], int]] = []
    for section in sections:
        fitting = [
            candidate
            for candidate in _prefix_candidates(section.path)
            if counter.tokens(candidate) <= budget // _MAX_PREFIX_SHARE
        ]
        section.prefix = fitting[0] if fitting else ""
        section.prefix_tokens = counter.tokens(section.prefix) if section.prefix else 0
        capacity = budget - section.prefix_tokens
        for item in section.items:
            if item.header is not None and item.header.tokens > capacity // 2:
                item.units.insert(0, replace(item.header, role=_Role.ROW))  # too wide to repeat
                item.header = None
            header_tokens = item.header.tokens if item.header is not None else 0
            limits.append((item.units, capacity - header_tokens))
    _refine(counter, limits)

    drafts: list[_Draft] = []
    for position, section in enumerate(sections):
        if section.items:
            drafts += _Packer(section, budget, overlap_tokens).run()
        elif section.prefix:
            following = sections[position + 1] if position + 1 < len(sections) else None
            if following is None or following.level <= section.level:
                # A heading with nothing under it, not even a sub-heading: its path alone.
                drafts.append(_Draft(section.path, section.prefix, [], page=section.page))

    return [
        Chunk(
            text=draft.text,
            heading_path=list(draft.path),
            page_start=_pages(draft)[0],
            page_end=_pages(draft)[1],
            token_count=count,
            index=index,
        )
        for index, (draft, count) in enumerate(_settle(counter, drafts, max_tokens))
    ]
