"""Relations of the offline extractor (`extractor`): a document's chunks read line by line as
key-value lines, table rows or prose; prose gives "X is a Y", verb relations and co-occurrence.
The rules are described in `extractor`'s docstring."""

# ruff: noqa: RUF001 - dashes and apostrophes
from __future__ import annotations

import itertools
import re

from agentplatform.core.text.sentences import split_sentences
from agentplatform.knowledge.graph.extraction import (
    ChunkText,
    EntityRef,
    GraphBuilder,
    clean_name,
    name_key,
)
from agentplatform.knowledge.graph.models import EntityType
from agentplatform.knowledge.graph.offline.entities import (
    DROPPED_WORDS,
    Span,
    capitalised,
    find_entities,
    name_type,
    pattern_spans,
    word_set,
)

EXTRACTOR = "offline/patterns-v1"

ATTRIBUTE_CONFIDENCE = 0.9
IS_A_CONFIDENCE = 0.7
VERB_CONFIDENCE = 0.6
COOCCURRENCE_CONFIDENCE = 0.3
COOCCURRING_PER_SENTENCE = 6
MAX_COOCCURRENCES = 300
MAX_KEY_WORDS = 4
MAX_VALUE_CHARS = 150
MAX_CLASS_WORDS = 8


# --- patterns -----------------------------------------------------------------------------------

_CLASS_TYPES: tuple[tuple[EntityType, frozenset[str]], ...] = (
    (
        EntityType.organization,
        word_set("""company supplier manufacturer distributor retailer vendor firm business brand
            startup agency store shop bank partner reseller wholesaler maker producer provider
            organization organisation corporation"""),
    ),
    (
        EntityType.person,
        word_set("""person manager engineer founder ceo cto cfo director consultant representative
            designer developer salesperson owner president employee specialist assistant"""),
    ),
    (
        EntityType.place,
        word_set("city town country region village island capital port place"),
    ),
    (
        EntityType.product,
        word_set("""product device tool plan service app application model accessory item gadget
            machine kit software subscription"""),
    ),
)
_HEADER_TYPES: dict[str, EntityType] = {
    **dict.fromkeys(
        word_set("product products item items model models plan plans sku service services"),
        EntityType.product,
    ),
    **dict.fromkeys(
        word_set("""company companies supplier suppliers vendor vendors manufacturer brand partner
        organization organisation client customer"""),
        EntityType.organization,
    ),
    **dict.fromkeys(
        word_set("city cities country countries location place region office store branch"),
        EntityType.place,
    ),
    **dict.fromkeys(word_set("person contact employee manager"), EntityType.person),
}
_GENERIC_KEYS = word_set(
    """spec specs specification specifications feature features property properties attribute
    attributes field fields parameter parameters characteristic characteristics key detail
    details option options setting settings info information"""
)
_GENERIC_VALUES = word_set("value values details detail description info information data")
_PRICE_KEYS = word_set("price prices cost costs fee fees rate amount tariff")
_NOT_VERBS = word_set(
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


# --- the extractor -----------------------------------------------------------------------------


def _class_type(cls: str) -> EntityType | None:
    words = cls.lower().split()
    for word in words:
        for type_, nouns in _CLASS_TYPES:
            if word in nouns:
                return type_
    return None


class Extraction:
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
        typed = name_type(words, "")
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
            data_like = any(c.isdigit() for c in header[1]) or bool(pattern_spans(header[1]))
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
                if word is None or not capitalised(word.group(1)):
                    continue
                name = word.group(1)
                if name.lower() in DROPPED_WORDS:
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
