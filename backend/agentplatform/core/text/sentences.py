"""Sentences of a passage: the splitter the offline responder quotes from.

`split_sentences` cuts a passage into paragraphs and list items, then at sentence ends that respect
abbreviations (`ABBREVIATIONS`, in the supported languages), initials, decimals and enumerators.
"""

# ruff: noqa: RUF001, RUF002 - Cyrillic abbreviations, CJK and typographic punctuation
from __future__ import annotations

import re

# Lower-case words that a period follows without ending the sentence (compared without the dot).
ABBREVIATIONS = frozenset(
    {
        # English
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "inc", "ltd", "co", "corp",
        "no", "nos", "approx", "dept", "est", "fig", "tel", "e.g", "i.e", "a.m", "p.m", "cf",
        "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        # Spanish, Portuguese
        "sra", "srta", "dra", "ud", "uds", "av", "avda", "pág", "pag", "núm", "num", "p.ej",
        "aprox", "tlf", "ex", "exma", "exmo", "profa",
        # German, French, Italian
        "z.b", "bzw", "ca", "usw", "evtl", "ggf", "nr", "str", "mme", "mlle", "env", "sig",
        "dott", "ecc",
        # Russian
        "т.е", "т.к", "т.д", "т.п", "т.н", "г", "гг", "ул", "д", "руб", "тыс", "млн", "млрд",
        "им", "пр", "см", "стр", "ок", "напр", "тел",
    }
)  # fmt: skip

_BULLET = re.compile(r"^\s*(?:[-*•·▪–—]+|\d{1,3}[.)]|[a-zA-Z][.)])\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
# A sentence end: terminal punctuation, closing quotes/brackets, then white space.
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+|[。！？]+")
_OPENING = "\"'“‘«([¿¡"
_ENUMERATOR = re.compile(r"^\W*(?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,5})\W*$")
# A word, as the responder counts them too; what ends a full sentence (not a heading or label).
WORD = re.compile(r"\w+", re.UNICODE)
TERMINAL_PUNCTUATION = (".", "!", "?", "…", "。", "！", "？")
_SPACE = re.compile(r"\s+")


def _lines(text: str) -> list[str]:
    """Paragraphs and list items as separate segments; hard-wrapped lines joined again."""
    segments: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        current = ""
        for raw in paragraph.split("\n"):
            line = raw.strip()
            if not line:
                continue
            starts_item = bool(_BULLET.match(line) or _HEADING.match(line))
            continues = (
                current
                and not starts_item
                and not current.endswith((".", "!", "?", ":", ";", "…"))
                and line[0].islower()
            )
            if continues:
                current = f"{current} {line}"
            else:
                if current:
                    segments.append(current)
                current = line
        if current:
            segments.append(current)
    return segments


def _ends_sentence(before: str, after: str) -> bool:
    """Whether the punctuation ending `before` ends a sentence, given the text `after` it."""
    end = before.rstrip().rstrip("\"'”’»)]")
    if not after or end.endswith(("。", "！", "？")):
        return True
    first = after.lstrip(_OPENING)[:1]
    if not first:
        return True
    if end.endswith(("!", "?", "…")):
        return True
    if not (first.isupper() or first.isdigit()):
        return False  # "e.g. the", "approx. five", "3 p.m. sharp"
    words = end[:-1].split()
    last = words[-1].lstrip(_OPENING) if words else ""
    if last.lower() in ABBREVIATIONS:
        return False
    return not (len(last) == 1 and last.isupper())  # an initial: "J. Smith"


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage, with white space collapsed and list/heading markers removed.

    Decimals ("49.90"), versions, e-mail addresses and URLs have no space after the dot and are not
    split; abbreviations ("Dr.", "e.g.", "Sra.", "т.е.") and initials are not sentence ends; a
    lower-case word after a period does not start a sentence; enumerators ("1.") stay with their
    item. CJK full stops end sentences without a following space.
    """
    sentences: list[str] = []
    for segment in _lines(text):
        segment = _HEADING.sub("", _BULLET.sub("", segment, count=1), count=1)
        segment = _SPACE.sub(" ", segment).strip()
        start = 0
        for match in _END.finditer(segment):
            piece = segment[start : match.end()].strip()
            after = segment[match.end() :]
            if _ENUMERATOR.match(piece) or not _ends_sentence(segment[: match.end()], after):
                continue
            sentences.append(piece)
            start = match.end()
        tail = segment[start:].strip()
        if tail:
            sentences.append(tail)
    return [sentence for sentence in sentences if WORD.search(sentence)]
