"""Contextual chunks: what a chunk says about where it comes from, for both legs of the search.

A chunk's text already starts with its heading path (`Pricing > Plans`, see `chunking`); a chunk
also records its document's title (`Chunk.document_title`). The full-text leg weights the title
(A) and the headings (B) above the body (D) in `Chunk.search_vector`, so a question that names a
document or a section favours its chunks. The vector leg can embed the text under a header
naming the document (`Title > Pricing > Plans`, then the text) with
`Settings.knowledge_title_in_vectors`; it is off by default: measured with the local English
model, the header made the chunks of one document alike and cost recall (see there).

The title is the document's own unless it is only what an upload or a page got for want of one
(its file name or URL): then the title the file gives itself (HTML `<title>`, the Markdown
front matter or first heading, DOCX and PDF metadata) names it better.
"""

from __future__ import annotations

from collections.abc import Sequence

from agentplatform.core.settings import Settings
from agentplatform.knowledge.index.chunking import HEADING_SEPARATOR

#: A header keeps at most this many words and characters of the title.
HEADER_WORDS = 12
HEADER_CHARS = 120
TITLE_CHARS = 300


def context_title(
    title: str, *, filename: str | None, source_url: str | None, parsed_title: str | None
) -> str:
    """The title chunks carry: `title`, or the file's own when `title` is only a stand-in."""
    own = " ".join((parsed_title or "").split())[:TITLE_CHARS]
    stand_ins = {value[:TITLE_CHARS] for value in (filename, source_url, "Untitled") if value}
    if own and title in stand_ins:
        return own
    return title


def header_title(title: str) -> str:
    """The title as a header shows it: one line, its first words."""
    words = title.split()[:HEADER_WORDS]
    header = " ".join(words)
    if len(header) > HEADER_CHARS:
        cut = header.rfind(" ", 0, HEADER_CHARS + 1)
        header = header[: cut if cut > 0 else HEADER_CHARS]
    return header


def vector_title(settings: Settings, title: str) -> str:
    """The title the vector leg embeds with a chunk: none unless the settings ask for it."""
    return title if settings.knowledge_title_in_vectors else ""


def contextual_text(title: str, heading_path: Sequence[str], text: str) -> str:
    """What is embedded for a chunk: `Title > Section > ...` then the text (whose first line is
    its heading path, when it has one), or `Title` on a line of its own above it; the text alone
    without a title, or when its first heading is the title already."""
    header = header_title(title)
    if not header or (
        heading_path and header.casefold() == header_title(heading_path[0]).casefold()
    ):
        return text
    if heading_path and text.startswith(_path_line_starts(heading_path)):
        return f"{header}{HEADING_SEPARATOR}{text}"
    return f"{header}\n{text}"


def _path_line_starts(heading_path: Sequence[str]) -> tuple[str, ...]:
    """How a chunk's text may begin with its heading path: whole, or (too long for the chunk)
    its last heading, perhaps cut to its first words (`chunking._prefix_candidates`)."""
    last_words = heading_path[-1].split()
    return (HEADING_SEPARATOR.join(heading_path), " ".join(last_words[:HEADER_WORDS]))
