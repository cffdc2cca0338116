"""Entities of the offline extractor (`extractor`): the patterns (e-mail addresses, URLs,
phone numbers, prices, product codes) and the runs of capitalised words read as names, typed by
cues. The rules are described in `extractor`'s docstring."""

# ruff: noqa: RUF001 - currency signs
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agentplatform.knowledge.graph.models import EntityType

MAX_NAME_WORDS = 6


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- patterns -----------------------------------------------------------------------------------

_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]{}|]*[^\s<>\"'()\[\]{}|.,;:!?]")
_PHONE = re.compile(
    r"(?<![\w+$€£.,/-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){1,4}"
    r"(?![\w]|[.,/-]\d)"
)
_DATE = re.compile(r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+$")

_SYMBOLS = {
    "US$": "usd",
    "R$": "brl",
    "A$": "aud",
    "C$": "cad",
    "$": "usd",
    "€": "eur",
    "£": "gbp",
    "¥": "jpy",
    "₽": "rub",
    "₹": "inr",
    "₩": "krw",
    "₺": "try",
}
_CODES = sorted(
    word_set(
        """USD EUR GBP BRL RUB JPY CNY INR CHF CAD AUD MXN ARS CLP COP PEN UAH KZT PLN SEK NOK DKK
        CZK TRY"""
    )
)
_WORDS = {
    "dollar": "usd",
    "dollars": "usd",
    "euro": "eur",
    "euros": "eur",
    "pound": "gbp",
    "pounds": "gbp",
    "reais": "brl",
    "real": "brl",
    "ruble": "rub",
    "rubles": "rub",
    "rouble": "rub",
    "roubles": "rub",
}
_SYMBOL = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_CODE = "|".join(_CODES)
_WORD = "|".join(sorted(_WORDS, key=len, reverse=True))
_AMOUNT = r"\d{1,3}(?:[,.\u00a0]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_PRICE = re.compile(
    rf"(?P<sym>{_SYMBOL})\s?(?P<a1>{_AMOUNT})"
    rf"|\b(?P<code>{_CODE})\s?(?P<a2>{_AMOUNT})"
    rf"|(?<![\w.,])(?P<a3>{_AMOUNT})\s?(?:(?P<sym2>{_SYMBOL})|(?P<code2>{_CODE})\b"
    rf"|(?P<word>{_WORD})\b)",
    re.IGNORECASE,
)
_PRODUCT_CODE = re.compile(
    r"\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)+\b|\b[A-Z]{2,}\d{2,}[A-Z0-9]*\b"
)
_TOKEN = re.compile(r"\w(?:[\w'’-]*\w)?|&")

_CONNECTORS = frozenset({"of", "de", "da", "do", "dos", "das", "del", "la", "van", "von", "&"})
_HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "prof", "sr", "sra", "srta", "mme", "herr", "frau", "sir"}
)
DROPPED_WORDS = word_set(
    """a an the our your their this that these those we you they it he she i my his her its all
    each every some any no if when while for and or but with without from to in on at by as about
    after before please contact call email e-mail visit see buy order ask read get use try check
    send write find choose note new free here there also only just more most yes hi hello dear
    thanks thank"""
)
_NOT_LEADING = DROPPED_WORDS | _CONNECTORS
_CALENDAR = word_set(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday jan feb mar apr jun jul aug sep sept
    oct nov dec mon tue wed thu fri sat sun"""
)
_ORG_WORDS = word_set(
    """inc corp corporation ltd limited llc llp plc gmbh ag sa sas srl bv nv oy ab co company
    companies group holding holdings bank university college institute foundation association
    agency labs laboratories technologies technology systems solutions industries partners
    associates enterprises ventures studio studios store stores ministry council"""
)
_PLACE_WORDS = word_set(
    """street st avenue ave av road rd boulevard blvd lane square plaza city town county state
    province region district island islands bay river lake mountain mountains valley airport
    station port harbour harbor beach park"""
)
_PRODUCT_WORDS = word_set(
    """plan plans pro max mini plus lite ultra edition series model kit bundle package
    subscription license licence app device bracket"""
)
_PLACE_CUES = frozenset({"in", "near"})


@dataclass(frozen=True)
class Span:
    """An entity found in a piece of text, with its place in that text."""

    start: int
    end: int
    name: str
    type: EntityType
    key: str | None = None  # None: the normalised name

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


# --- entities in a piece of text ---------------------------------------------------------------


def _price_key(match: re.Match[str]) -> str:
    amount = match.group("a1") or match.group("a2") or match.group("a3") or ""
    symbol = match.group("sym") or match.group("sym2")
    code = match.group("code") or match.group("code2")
    word = match.group("word")
    if symbol:
        currency = _SYMBOLS.get(symbol.upper(), _SYMBOLS.get(symbol, "usd"))
    elif code:
        currency = code.lower()
    else:
        currency = _WORDS[(word or "").lower()]
    return currency + " " + re.sub(r"[\s\u00a0]", "", amount)


def _is_phone(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    if not 7 <= digits <= 15 or _DATE.match(text) or _THOUSANDS.match(text):
        return False
    return text.startswith("+") or "(" in text or bool(re.search(r"\d[-.]\d", text))


def pattern_spans(text: str) -> list[Span]:
    """E-mail addresses, URLs, prices, phone numbers and product codes, in that priority."""
    found: list[Span] = []

    def add(span: Span) -> None:
        if not any(span.overlaps(other) for other in found):
            found.append(span)

    for m in _EMAIL.finditer(text):
        add(Span(m.start(), m.end(), m.group(), EntityType.email, m.group().lower()))
    for m in _URL.finditer(text):
        url = m.group()
        add(Span(m.start(), m.end(), url, EntityType.url, url.lower().rstrip("/")))
    for m in _PRICE.finditer(text):
        add(Span(m.start(), m.end(), m.group(), EntityType.price, _price_key(m)))
    for m in _PHONE.finditer(text):
        if _is_phone(m.group()):
            key = ("+" if m.group().startswith("+") else "") + re.sub(r"\D", "", m.group())
            add(Span(m.start(), m.end(), m.group(), EntityType.phone, key))
    for m in _PRODUCT_CODE.finditer(text):
        add(Span(m.start(), m.end(), m.group(), EntityType.product))
    return found


def name_type(words: Sequence[str], before: str) -> EntityType:
    last = words[-1].lower().rstrip(".")
    if before in _HONORIFICS:
        return EntityType.person
    if last in _ORG_WORDS:
        return EntityType.organization
    if last in _PLACE_WORDS or before in _PLACE_CUES:
        return EntityType.place
    if last in _PRODUCT_WORDS or any(c.isdigit() for w in words for c in w):
        return EntityType.product
    return EntityType.other


def capitalised(token: str) -> bool:
    return token[0].isupper() and token.lower() not in _CALENDAR


def _name_spans(text: str, taken: Sequence[Span]) -> list[Span]:
    """Runs of capitalised words (see the module's docstring), outside the spans already taken."""
    tokens = list(_TOKEN.finditer(text))
    free = [not any(s.start < m.end() and m.start() < s.end for s in taken) for m in tokens]

    def joined(a: int, b: int) -> bool:
        """Tokens a and b (= a + 1) are free and only white space is between them."""
        return free[b] and not text[tokens[a].end() : tokens[b].start()].strip()

    spans: list[Span] = []
    i = 0
    while i < len(tokens):
        if not free[i] or not capitalised(tokens[i].group()):
            i += 1
            continue
        first = i
        j = i + 1
        while j < len(tokens) and joined(j - 1, j):
            word = tokens[j].group()
            if capitalised(word):
                j += 1
            elif (
                word.lower() in _CONNECTORS
                and j + 1 < len(tokens)
                and joined(j, j + 1)
                and capitalised(tokens[j + 1].group())
            ):
                j += 2
            elif word[0].isdigit() and len(word) <= 6:
                j += 1  # a model number ends the name: "Router 200"
                break
            else:
                break
        i = j
        run = tokens[first:j]
        while run and run[0].group().lower() in _NOT_LEADING:
            run, first = run[1:], first + 1
        if not run or len(run) > MAX_NAME_WORDS:
            continue
        words = [m.group() for m in run]
        start, end = run[0].start(), run[-1].end()
        previous = tokens[first - 1] if first > 0 else None
        before = ""
        if previous is not None and not text[previous.end() : start].strip(" ."):
            before = previous.group().lower()
        if len(run) == 1 and not (before in _HONORIFICS or before in _PLACE_CUES):
            continue
        if text[end : end + 1] == "." and words[-1].lower() in _ORG_WORDS:
            end += 1  # "Globex Inc."
        spans.append(Span(start, end, text[start:end], name_type(words, before)))
    return spans


def find_entities(text: str) -> list[Span]:
    """Every entity of a piece of text, in reading order."""
    patterned = pattern_spans(text)
    return sorted([*patterned, *_name_spans(text, patterned)], key=lambda s: s.start)
