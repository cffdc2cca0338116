"""The offline extractor, `offline/patterns-v1`: a knowledge graph from patterns, with no model.

It runs when no chat provider is configured. It is deterministic (the same chunks give the same
graph) and reads each chunk's lines as table rows, key-value lines or prose.

Entities
- e-mail addresses (`email`); web addresses starting with http(s):// or www. (`url`);
- phone numbers (`phone`): 7 to 15 digits in groups, with a leading `+country` code, an `(area)`
  code, or `-`/`.` between the groups; dates and thousands ("1.200.000") are not phones;
- prices (`price`): an amount with a currency sign or code before or after it ("$49", "€1,200.50",
  "49 EUR", "USD 10", "30 euros"); "$49" and "49 USD" are one entity;
- product codes and SKUs (`product`): upper-case letters and digits with at least one of each,
  joined by hyphens or letters then digits ("XK-4471", "BX200");
- names: two to six capitalised words in a row ("Acme Corp", "Bracket X", "Bank of Portugal"),
  allowing "of", "de", "da", "do", "&" between them and a short number after them ("Router
  200"); leading function words and common imperatives ("The", "Our", "Contact", "Visit") are
  dropped, months and week days end a name. One capitalised word is a name only with a cue: an
  honorific before it, "in"/"near" before it, or as the subject of an "X is a Y" sentence.
  Names are typed by cues, first match wins:
  person: an honorific before it (Mr, Mrs, Ms, Dr, Prof, Sr, Sra, ...);
  organization: its last word is a company word (Inc, Corp, Ltd, LLC, GmbH, Company, Group,
    Bank, University, ...);
  place: its last word is a place word (Street, Avenue, Road, City, Square, ...), or "in"/"near"
    comes before it;
  product: its last word is a product word (Plan, Pro, Edition, Kit, Series, ...), or it contains
    a digit;
  "X is a/an Y" gives X the type Y's nouns suggest (supplier → organization, manager → person,
    city → place, device → product); a name with a price attribute becomes a product; anything
    else is `other`.

Relations (their confidence in brackets)
- key-value lines, "Price: $49" or "- Warranty: 2 years" (a key of one to four words, a value of
  at most 150 characters holding no other "key:" nor a sentence end followed by more text):
  <section> —price→ $49 [0.9]. The section is the chunk's last heading, else the document's title;
- tables (lines `a | b | c`; a table's first line is its header, a line with another number of
  cells starts a new table): a two-column table whose header is generic ("Spec | Value") or reads
  like data ("Warranty | 2 years") is key-value lines of the section, header included; in any
  other table the first cell of each row is the subject and each other column's header is the
  predicate: under "Product | Price | Warranty", "Bracket X | $49 | 2 years" gives Bracket X
  —price→ $49 and Bracket X —warranty→ "2 years" [0.9]. The first column's header types the
  subjects (Product, Model, SKU → product; Company, Supplier → organization; City, Office →
  place);
- "X is a/an/the Y" (also are/was) → X —is_a→ "Y", Y being up to eight words up to a punctuation
  mark or a word such as "that", "which", "with" [0.7]; Y is also X's description;
- two entities next to each other in a sentence with one to four lower-case words between them,
  the first word not a preposition, conjunction or article ("Acme Corp supplies Bracket X",
  "The Premium Plan costs $49") → X —supplies→ Y [0.6];
- any other two of the first six entities of a sentence → X —mentioned_with→ Y [0.3], at most
  300 such relations per document.
A value (a cell, the right side of a key-value line) that is exactly one entity becomes a relation
to that entity; otherwise it is kept as text. Every entity found is a mention of its chunk.
"""

# ruff: noqa: RUF001 - currency signs
from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from agentplatform.ai.sentences import split_sentences
from agentplatform.knowledge.graph_extraction import (
    ChunkText,
    EntityRef,
    GraphBuilder,
    GraphDraft,
    clean_name,
    name_key,
)
from agentplatform.knowledge.graph_models import EntityType

EXTRACTOR = "offline/patterns-v1"

ATTRIBUTE_CONFIDENCE = 0.9
IS_A_CONFIDENCE = 0.7
VERB_CONFIDENCE = 0.6
COOCCURRENCE_CONFIDENCE = 0.3
COOCCURRING_PER_SENTENCE = 6
MAX_COOCCURRENCES = 300
MAX_NAME_WORDS = 6
MAX_KEY_WORDS = 4
MAX_VALUE_CHARS = 150
MAX_CLASS_WORDS = 8


def _words(text: str) -> frozenset[str]:
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
    _words(
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
_DROPPED = _words(
    """a an the our your their this that these those we you they it he she i my his her its all
    each every some any no if when while for and or but with without from to in on at by as about
    after before please contact call email e-mail visit see buy order ask read get use try check
    send write find choose note new free here there also only just more most yes hi hello dear
    thanks thank"""
)
_NOT_LEADING = _DROPPED | _CONNECTORS
_CALENDAR = _words(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday jan feb mar apr jun jul aug sep sept
    oct nov dec mon tue wed thu fri sat sun"""
)
_ORG_WORDS = _words(
    """inc corp corporation ltd limited llc llp plc gmbh ag sa sas srl bv nv oy ab co company
    companies group holding holdings bank university college institute foundation association
    agency labs laboratories technologies technology systems solutions industries partners
    associates enterprises ventures studio studios store stores ministry council"""
)
_PLACE_WORDS = _words(
    """street st avenue ave av road rd boulevard blvd lane square plaza city town county state
    province region district island islands bay river lake mountain mountains valley airport
    station port harbour harbor beach park"""
)
_PRODUCT_WORDS = _words(
    """plan plans pro max mini plus lite ultra edition series model kit bundle package
    subscription license licence app device bracket"""
)
_PLACE_CUES = frozenset({"in", "near"})
_CLASS_TYPES: tuple[tuple[EntityType, frozenset[str]], ...] = (
    (
        EntityType.organization,
        _words("""company supplier manufacturer distributor retailer vendor firm business brand
            startup agency store shop bank partner reseller wholesaler maker producer provider
            organization organisation corporation"""),
    ),
    (
        EntityType.person,
        _words("""person manager engineer founder ceo cto cfo director consultant representative
            designer developer salesperson owner president employee specialist assistant"""),
    ),
    (
        EntityType.place,
        _words("city town country region village island capital port place"),
    ),
    (
        EntityType.product,
        _words("""product device tool plan service app application model accessory item gadget
            machine kit software subscription"""),
    ),
)
_HEADER_TYPES: dict[str, EntityType] = {
    **dict.fromkeys(
        _words("product products item items model models plan plans sku service services"),
        EntityType.product,
    ),
    **dict.fromkeys(
        _words("""company companies supplier suppliers vendor vendors manufacturer brand partner
        organization organisation client customer"""),
        EntityType.organization,
    ),
    **dict.fromkeys(
        _words("city cities country countries location place region office store branch"),
        EntityType.place,
    ),
    **dict.fromkeys(_words("person contact employee manager"), EntityType.person),
}
_GENERIC_KEYS = _words(
    """spec specs specification specifications feature features property properties attribute
    attributes field fields parameter parameters characteristic characteristics key detail
    details option options setting settings info information"""
)
_GENERIC_VALUES = _words("value values details detail description info information data")
_PRICE_KEYS = _words("price prices cost costs fee fees rate amount tariff")
_NOT_VERBS = _words(
    """to of in on at by for from with and or but as than the a an our your their its vs via per
    like including plus nor either whose which that who while where when if so then also"""
)
_TRAILING_ARTICLES = frozenset({"the", "a", "an", "our", "their", "its", "your"})
_EMPTY_CELLS = frozenset({"", "-", "—", "–", "n/a", "na", "none", "?"})

_BULLET = re.compile(r"^\s*(?:[-*•·▪]+|\d{1,3}[.)])\s+")
_KEY_VALUE = re.compile(r"^(?P<key>[^\W\d_][\w '’&/().-]{0,39}?)\s*[:：]\s+(?P<value>\S.*)$")
_RUN_ON = re.compile(r":\s|[.!?]\s+\S")
_IS_A = re.compile(
    r"\s+(?:is|are|was)\s+(?:one of (?:the|our)|a|an|the|our)\s+(?P<cls>[^.;:!?,()\"]+)",
    re.IGNORECASE,
)
_CLASS_STOP = re.compile(
    r"\s(?:that|which|who|whose|with|for|since|because|and|but|so|where|when|while)\s"
)
_BETWEEN = re.compile(r"^\s+([a-z][a-z'’-]*(?:\s+[a-z][a-z'’-]*){0,3})\s+$")


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


def _pattern_spans(text: str) -> list[Span]:
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


def _name_type(words: Sequence[str], before: str) -> EntityType:
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


def _capitalised(token: str) -> bool:
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
        if not free[i] or not _capitalised(tokens[i].group()):
            i += 1
            continue
        first = i
        j = i + 1
        while j < len(tokens) and joined(j - 1, j):
            word = tokens[j].group()
            if _capitalised(word):
                j += 1
            elif (
                word.lower() in _CONNECTORS
                and j + 1 < len(tokens)
                and joined(j, j + 1)
                and _capitalised(tokens[j + 1].group())
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
        spans.append(Span(start, end, text[start:end], _name_type(words, before)))
    return spans


def find_entities(text: str) -> list[Span]:
    """Every entity of a piece of text, in reading order."""
    patterned = _pattern_spans(text)
    return sorted([*patterned, *_name_spans(text, patterned)], key=lambda s: s.start)


# --- the extractor -----------------------------------------------------------------------------


def _class_type(cls: str) -> EntityType | None:
    words = cls.lower().split()
    for word in words:
        for type_, nouns in _CLASS_TYPES:
            if word in nouns:
                return type_
    return None


class _Extraction:
    def __init__(self, title: str) -> None:
        self.title = title
        self.graph = GraphBuilder(EXTRACTOR)
        self.cooccurrences = 0

    def add(self, span: Span, chunk: int) -> EntityRef | None:
        ref = self.graph.entity(span.name, span.type, key=span.key)
        if ref is not None:
            self.graph.mention(ref, chunk)
        return ref

    def subject(self, name: str, chunk: int, type_: EntityType | None = None) -> EntityRef | None:
        """A section heading or a table's first cell, as an entity (typed by cues)."""
        spans = find_entities(name)
        if len(spans) == 1 and clean_name(spans[0].name) == clean_name(name):
            return self.add(spans[0], chunk)
        words = name.split()
        if not words:
            return None
        typed = _name_type(words, "")
        if typed is EntityType.other and type_ is not None:
            typed = type_
        ref = self.graph.entity(name, typed)
        if ref is not None:
            self.graph.mention(ref, chunk)
        return ref

    def attribute(self, subject: EntityRef, key: str, value: str, chunk: int) -> None:
        value = value.strip().rstrip(".").strip()
        if value.lower() in _EMPTY_CELLS or len(value) > MAX_VALUE_CHARS:
            return
        spans = find_entities(value)
        for span in spans:
            self.add(span, chunk)
        whole = spans[0] if len(spans) == 1 and spans[0].name == value else None
        obj = self.graph.entity(whole.name, whole.type, key=whole.key) if whole else None
        subject = self.graph.resolve(subject)
        priced = name_key(key) in _PRICE_KEYS or (
            whole is not None and whole.type is EntityType.price
        )
        if priced and subject.type is EntityType.other:
            subject = self.graph.entity(self.graph.name(subject), EntityType.product) or subject
        if obj is not None:
            self.graph.relate(subject, key, chunk=chunk, confidence=ATTRIBUTE_CONFIDENCE, obj=obj)
        else:
            self.graph.relate(
                subject, key, chunk=chunk, confidence=ATTRIBUTE_CONFIDENCE, value=value
            )

    # --- lines ---

    def chunk(self, chunk: ChunkText) -> None:
        lines = [line.strip() for line in chunk.text.split("\n")]
        if (
            chunk.heading_path
            and lines
            and lines[0]
            in (
                " > ".join(chunk.heading_path),
                chunk.heading_path[-1],
            )
        ):
            lines = lines[1:]
        section = chunk.heading_path[-1] if chunk.heading_path else self.title
        prose: list[str] = []
        table: list[list[str]] = []
        for line in [*lines, ""]:
            cells = [c.strip() for c in line.split(" | ")] if " | " in line else None
            if cells is not None and (not table or len(cells) == len(table[0])):
                table.append(cells)
                continue
            if table:
                self.table(table, section, chunk.position)
                table = []
            if cells is not None:
                table.append(cells)
                continue
            body = _BULLET.sub("", line)
            pair = _KEY_VALUE.match(body)
            if pair and self.key_value(pair, section, chunk.position):
                continue
            prose.append(line)
        for sentence in split_sentences("\n".join(prose)):
            self.sentence(sentence, chunk.position)

    def key_value(self, pair: re.Match[str], section: str, chunk: int) -> bool:
        key, value = pair.group("key").strip(), pair.group("value").strip()
        if len(key.split()) > MAX_KEY_WORDS or key.lower() in ("http", "https"):
            return False
        if len(value) > MAX_VALUE_CHARS or _RUN_ON.search(value):
            return False  # lines run together (a Markdown paragraph): prose
        subject = self.subject(section, chunk)
        if subject is None:
            return False
        self.attribute(subject, key, value, chunk)
        return True

    def table(self, rows: list[list[str]], section: str, chunk: int) -> None:
        header, body = rows[0], rows[1:]
        if len(header) < 2:
            return
        if len(header) == 2:
            first, second = name_key(header[0]), name_key(header[1])
            data_like = any(c.isdigit() for c in header[1]) or bool(_pattern_spans(header[1]))
            if first in _GENERIC_KEYS or second in _GENERIC_VALUES or data_like:
                subject = self.subject(section, chunk)
                if subject is None:
                    return
                for row in rows if data_like else body:
                    if row[0].lower() not in _EMPTY_CELLS:
                        self.attribute(subject, row[0], row[1], chunk)
                return
        cue = _HEADER_TYPES.get(name_key(header[0]))
        priced = any(name_key(h) in _PRICE_KEYS for h in header[1:])
        for row in body:
            if row[0].lower() in _EMPTY_CELLS:
                continue
            subject = self.subject(row[0], chunk, cue or (EntityType.product if priced else None))
            if subject is None:
                continue
            for column, cell in zip(header[1:], row[1:], strict=False):
                if column.strip():
                    self.attribute(subject, column, cell, chunk)

    # --- prose ---

    def sentence(self, sentence: str, chunk: int) -> None:
        spans = find_entities(sentence)
        refs = [self.add(span, chunk) for span in spans]
        placed = [(span, ref) for span, ref in zip(spans, refs, strict=True) if ref is not None]
        self.is_a(sentence, placed, chunk)
        for (left, a), (right, b) in itertools.pairwise(placed):
            between = _BETWEEN.match(sentence[left.end : right.start])
            if between is None:
                continue
            words = between.group(1).split()
            if words[0] in _NOT_VERBS or words == ["is"] or words == ["are"]:
                continue
            while words and words[-1] in _TRAILING_ARTICLES:
                words.pop()
            if words:
                self.graph.relate(
                    a, " ".join(words), chunk=chunk, confidence=VERB_CONFIDENCE, obj=b
                )
        seen: list[EntityRef] = []
        for _, ref in placed:
            if ref not in seen:
                seen.append(ref)
        seen = seen[:COOCCURRING_PER_SENTENCE]
        for i, a in enumerate(seen):
            for b in seen[i + 1 :]:
                if self.cooccurrences >= MAX_COOCCURRENCES or self.graph.related(a, b):
                    continue
                if self.graph.relate(
                    a, "mentioned_with", chunk=chunk, confidence=COOCCURRENCE_CONFIDENCE, obj=b
                ):
                    self.cooccurrences += 1

    def is_a(self, sentence: str, placed: list[tuple[Span, EntityRef]], chunk: int) -> None:
        for match in _IS_A.finditer(sentence):
            cls = _CLASS_STOP.split(f" {match.group('cls')} ")[0].strip()
            cls = " ".join(cls.split()[:MAX_CLASS_WORDS])
            if not cls:
                continue
            subject: EntityRef | None = None
            name = ""
            for span, ref in placed:
                if span.end == match.start():
                    subject, name = ref, span.name
            if subject is None:
                word = re.search(r"(\w[\w'’-]*)$", sentence[: match.start()])
                if word is None or not _capitalised(word.group(1)):
                    continue
                name = word.group(1)
                if name.lower() in _DROPPED:
                    continue
                subject = self.graph.entity(name, EntityType.other)
                if subject is None:
                    continue
                self.graph.mention(subject, chunk)
            typed = _class_type(cls)
            if typed is not None and subject.type is EntityType.other:
                subject = self.graph.entity(name, typed) or subject
            self.graph.describe(subject, cls)
            self.graph.relate(subject, "is_a", chunk=chunk, confidence=IS_A_CONFIDENCE, value=cls)


def extract_offline(title: str, chunks: Sequence[ChunkText]) -> GraphDraft:
    """The document's graph by the rules above; `title` is the section of chunks without one."""
    extraction = _Extraction(title)
    for chunk in chunks:
        extraction.chunk(chunk)
    return extraction.graph.draft()
