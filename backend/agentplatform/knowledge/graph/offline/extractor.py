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

from __future__ import annotations

from collections.abc import Sequence

from agentplatform.knowledge.graph.extraction import ChunkText, GraphDraft
from agentplatform.knowledge.graph.offline.entities import find_entities
from agentplatform.knowledge.graph.offline.relations import EXTRACTOR, MAX_COOCCURRENCES, Extraction

__all__ = ["EXTRACTOR", "MAX_COOCCURRENCES", "extract_offline", "find_entities"]


def extract_offline(title: str, chunks: Sequence[ChunkText]) -> GraphDraft:
    """The document's graph by the rules above; `title` is the section of chunks without one."""
    extraction = Extraction(title)
    for chunk in chunks:
        extraction.chunk(chunk)
    return extraction.graph.draft()
