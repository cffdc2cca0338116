"""What an extractor makes of one document: entities, relations and mentions, chunk by chunk.

Both extractors (`offline`, `llm`) fill a `GraphBuilder`, which merges repeats (an
entity is its type and normalised name; a relation its subject, predicate and object), keeps the
first chunk a relation was seen in and its highest confidence, counts mentions per chunk and
bounds the totals. `GraphDraft` is the result, in a stable order: the same calls give the same
draft.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field

from agentplatform.knowledge.graph.models import EntityType

MAX_ENTITIES = 2_000
MAX_RELATIONS = 5_000
MAX_NAME_CHARS = 300
MAX_VALUE_CHARS = 300
MAX_PREDICATE_CHARS = 100

_SPACE = re.compile(r"\s+")
_EDGE_PUNCTUATION = "\"'`“”‘’«»()[]{}<>.,;:!?*_|#~"  # noqa: RUF001 - typographic quotes
_PREDICATE_JUNK = re.compile(r"[^\w]+")


def clean_name(text: str) -> str:
    """A name as shown: white space collapsed, quotes and punctuation trimmed from its ends."""
    return _SPACE.sub(" ", text).strip().strip(_EDGE_PUNCTUATION).strip()[:MAX_NAME_CHARS]


def name_key(text: str) -> str:
    """A name as compared: case and accents folded, white space collapsed ("São Paulo" and
    "sao  paulo" are one entity)."""
    folded = unicodedata.normalize("NFKD", clean_name(text).casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def predicate_key(text: str) -> str:
    """A predicate as stored: lower-case words joined by `_` ("Shipping time" → shipping_time)."""
    words = _PREDICATE_JUNK.sub(" ", name_key(text)).split()
    return "_".join(words)[:MAX_PREDICATE_CHARS]


def predicate_label(predicate: str) -> str:
    """A stored predicate for people to read: shipping_time → shipping time."""
    return predicate.replace("_", " ")


@dataclass(frozen=True, order=True)
class EntityRef:
    type: EntityType
    key: str


@dataclass(frozen=True)
class ChunkText:
    """A chunk as the extractors read it (`position`: its place in the list they are given)."""

    id: uuid.UUID
    position: int
    text: str
    heading_path: list[str] = field(default_factory=list)


@dataclass
class EntityDraft:
    ref: EntityRef
    name: str
    description: str = ""


@dataclass
class RelationDraft:
    subject: EntityRef
    predicate: str
    object: EntityRef | None
    value: str | None
    chunk: int  # the position of the chunk it was first seen in
    confidence: float


RelationKey = tuple[EntityRef, str, EntityRef | None, str | None]


@dataclass(frozen=True)
class MentionDraft:
    entity: EntityRef
    chunk: int
    count: int


@dataclass(frozen=True)
class GraphDraft:
    extractor: str
    entities: list[EntityDraft]
    relations: list[RelationDraft]
    mentions: list[MentionDraft]


class GraphBuilder:
    """Collects entities, mentions and relations; repeats merge, totals stay bounded."""

    def __init__(self, extractor: str) -> None:
        self.extractor = extractor
        self._entities: dict[EntityRef, EntityDraft] = {}
        self._mentions: dict[tuple[EntityRef, int], int] = {}
        self._relations: dict[RelationKey, RelationDraft] = {}
        self._pairs: set[frozenset[EntityRef]] = set()  # entities related either way
        self._moved: dict[EntityRef, EntityRef] = {}  # retyped entities: old ref → new ref
        self._types: dict[str, set[EntityType]] = {}  # the types each key is known under

    def entity(
        self, name: str, type_: EntityType, *, description: str = "", key: str | None = None
    ) -> EntityRef | None:
        """The entity called `name` (None if the name is empty or the bound is reached); `key`
        replaces the normalised name where a type has its own (a price's currency and amount).

        A name known under a specific type keeps it when seen again as `other`; a name known only
        as `other` takes the specific type when one comes (a heading first seen as a name, then
        with a price, becomes a product).
        """
        shown = clean_name(name)
        key = (key or name_key(shown))[:MAX_NAME_CHARS]
        if not key or not shown:
            return None
        known = sorted(self._types.get(key, ()))
        if type_ is EntityType.other and known:
            type_ = next((t for t in known if t is not EntityType.other), EntityType.other)
        ref = EntityRef(type_, key)
        vague = EntityRef(EntityType.other, key)
        if type_ is not EntityType.other and vague in self._entities:
            self._retype(vague, ref)
        draft = self._entities.get(ref)
        if draft is None:
            if len(self._entities) >= MAX_ENTITIES:
                return None
            draft = self._entities[ref] = EntityDraft(ref, shown)
            self._types.setdefault(key, set()).add(type_)
        if description:
            self.describe(ref, description)
        return ref

    def _retype(self, old: EntityRef, new: EntityRef) -> None:
        """Moves the entity `old` to `new` (which is not known yet), with its mentions and facts."""
        draft = self._entities.pop(old)
        self._moved[old] = new
        self._entities[new] = EntityDraft(new, draft.name, draft.description)
        self._types[old.key] = (self._types[old.key] - {old.type}) | {new.type}
        for (ref, chunk), count in sorted(self._mentions.items()):
            if ref == old:
                del self._mentions[(ref, chunk)]
                self._mentions[(new, chunk)] = count
        for key, relation in list(self._relations.items()):
            if old in (relation.subject, relation.object):
                del self._relations[key]
                relation.subject = new if relation.subject == old else relation.subject
                relation.object = new if relation.object == old else relation.object
                self._relations.setdefault(self._relation_key(relation), relation)
        self._pairs = {
            frozenset(new if ref == old else ref for ref in pair) for pair in self._pairs
        }

    def resolve(self, ref: EntityRef) -> EntityRef:
        """The entity's current ref (it changes when a vague entity gets a specific type)."""
        while ref in self._moved:
            ref = self._moved[ref]
        return ref

    def name(self, ref: EntityRef) -> str:
        return self._entities[self.resolve(ref)].name

    def describe(self, ref: EntityRef, description: str) -> None:
        """Keeps the longest description given."""
        draft = self._entities[self.resolve(ref)]
        if len(description) > len(draft.description):
            draft.description = description[:MAX_VALUE_CHARS]

    def mention(self, ref: EntityRef, chunk: int, count: int = 1) -> None:
        ref = self.resolve(ref)
        self._mentions[(ref, chunk)] = self._mentions.get((ref, chunk), 0) + count

    def ensure_mentioned(self, ref: EntityRef, chunk: int) -> None:
        """A mention in the chunk unless there is one already (the entity of a stated fact)."""
        ref = self.resolve(ref)
        self._mentions.setdefault((ref, chunk), 1)

    @staticmethod
    def _relation_key(relation: RelationDraft) -> RelationKey:
        value = name_key(relation.value) if relation.value is not None else None
        return (relation.subject, relation.predicate, relation.object, value)

    def relate(
        self,
        subject: EntityRef,
        predicate: str,
        *,
        chunk: int,
        confidence: float,
        obj: EntityRef | None = None,
        value: str | None = None,
    ) -> bool:
        """Records `subject —predicate→ obj|value`; False if empty, a loop or over the bound."""
        predicate = predicate_key(predicate)
        subject = self.resolve(subject)
        obj = self.resolve(obj) if obj is not None else None
        if value is not None:
            value = _SPACE.sub(" ", value).strip()[:MAX_VALUE_CHARS]
        if not predicate or (obj is None and not value) or obj == subject:
            return False
        relation = RelationDraft(subject, predicate, obj, None if obj else value, chunk, confidence)
        key = self._relation_key(relation)
        known = self._relations.get(key)
        if known is not None:
            known.confidence = max(known.confidence, confidence)
            return True
        if len(self._relations) >= MAX_RELATIONS:
            return False
        self._relations[key] = relation
        if obj is not None:
            self._pairs.add(frozenset((subject, obj)))
        return True

    def related(self, a: EntityRef, b: EntityRef) -> bool:
        """Whether a relation joins the two entities, in either direction."""
        return frozenset((self.resolve(a), self.resolve(b))) in self._pairs

    def draft(self) -> GraphDraft:
        entities = sorted(self._entities.values(), key=lambda e: e.ref)
        mentions = [
            MentionDraft(ref, chunk, count)
            for (ref, chunk), count in sorted(
                self._mentions.items(), key=lambda m: (m[0][1], m[0][0])
            )
        ]
        relations = sorted(
            self._relations.values(),
            key=lambda r: (r.chunk, r.subject, r.predicate, r.object or r.subject, r.value or ""),
        )
        return GraphDraft(self.extractor, entities, relations, mentions)
