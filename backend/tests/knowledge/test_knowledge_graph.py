"""The offline graph extractor on documents parsed and chunked as the worker does: contacts,
prices, codes, names, key-value lines, tables, "is a" and verb sentences; bounded; deterministic."""

from __future__ import annotations

import uuid

import pytest
from agentplatform.ai.local_embedder import get_local_embedder
from agentplatform.knowledge.documents.parsing import DocumentType, parse
from agentplatform.knowledge.graph.extraction import ChunkText, GraphDraft
from agentplatform.knowledge.graph.models import EntityType
from agentplatform.knowledge.graph.offline.extractor import (
    EXTRACTOR,
    MAX_COOCCURRENCES,
    extract_offline,
    find_entities,
)
from agentplatform.knowledge.index.chunking import chunk

CATALOGUE = """# Acme Corp catalogue

Acme Corp supplies Bracket X to Globex Inc. Acme Corp is a manufacturer of steel brackets based in
Porto. Contact Dr. Jane Smith at sales@acme.example or +1 (555) 010-2030, or see
https://acme.example/brackets. The Premium Plan costs $49 per month.

Stock was counted on 2026-11-25: 1.200.000 units are stored in Lisbon.

## Bracket X

- Price: $49
- Warranty: 2 years
- SKU: BX-200

| Product | Price | Warranty |
|---|---|---|
| Bracket X | $49 | 2 years |
| Bracket Y Pro | EUR 79.50 | 3 years |

## Shipping

| Spec | Value |
|---|---|
| Weight | 1.2 kg |
| Delivery time | 2 business days |
"""

SUPPLIERS_CSV = b"""Supplier,Country,Email,Lead time
Globex Inc,Portugal,orders@globex.example,5 days
Initech Ltd,Spain,hola@initech.example,7 days
"""

Fact = tuple[str, str, str]


def draft_of(data: bytes, doc_type: DocumentType, title: str) -> GraphDraft:
    parsed = parse(data, doc_type)
    chunks = chunk(parsed.blocks, get_local_embedder().count_tokens)
    return extract_offline(
        title,
        [ChunkText(uuid.uuid4(), c.index, c.text, c.heading_path) for c in chunks],
    )


def facts(draft: GraphDraft) -> set[Fact]:
    names = {e.ref: e.name for e in draft.entities}
    return {
        (names[r.subject], r.predicate, names[r.object] if r.object else str(r.value))
        for r in draft.relations
    }


def entities(draft: GraphDraft) -> dict[str, EntityType]:
    return {e.name: e.ref.type for e in draft.entities}


@pytest.fixture(scope="module")
def catalogue() -> GraphDraft:
    return draft_of(CATALOGUE.encode(), DocumentType.MARKDOWN, "Catalogue")


def test_contacts_prices_codes_and_names_are_typed(catalogue: GraphDraft) -> None:
    found = entities(catalogue)
    assert catalogue.extractor == EXTRACTOR
    assert found["sales@acme.example"] is EntityType.email
    assert found["https://acme.example/brackets"] is EntityType.url
    assert found["+1 (555) 010-2030"] is EntityType.phone
    assert found["$49"] is EntityType.price
    assert found["EUR 79.50"] is EntityType.price
    assert found["BX-200"] is EntityType.product
    assert found["Acme Corp"] is EntityType.organization
    assert found["Globex Inc"] is EntityType.organization
    assert found["Jane Smith"] is EntityType.person
    assert found["Porto"] is EntityType.place
    assert found["Lisbon"] is EntityType.place
    assert found["Premium Plan"] is EntityType.product
    assert found["Bracket X"] is EntityType.product  # a heading with a price
    # A date and a count with thousands separators are not phone numbers.
    assert not any("2026" in name or "1.200.000" in name for name in found)
    keys = {e.name: e.ref.key for e in catalogue.entities}
    assert keys["+1 (555) 010-2030"] == "+15550102030"
    assert keys["$49"] == "usd 49"


def test_key_value_lines_tables_and_sentences_become_relations(catalogue: GraphDraft) -> None:
    found = facts(catalogue)
    assert {
        ("Bracket X", "price", "$49"),
        ("Bracket X", "warranty", "2 years"),
        ("Bracket X", "sku", "BX-200"),
        ("Bracket Y Pro", "price", "EUR 79.50"),
        ("Bracket Y Pro", "warranty", "3 years"),
        ("Shipping", "weight", "1.2 kg"),
        ("Shipping", "delivery_time", "2 business days"),
        ("Acme Corp", "supplies", "Bracket X"),
        ("Acme Corp", "is_a", "manufacturer of steel brackets based in Porto"),
        ("Premium Plan", "costs", "$49"),
    } <= found
    assert ("Acme Corp", "mentioned_with", "Porto") in found
    described = {e.name: e.description for e in catalogue.entities}
    assert described["Acme Corp"] == "manufacturer of steel brackets based in Porto"
    # Every fact's entities are mentioned in the chunk the fact comes from.
    mentioned = {(m.entity, m.chunk) for m in catalogue.mentions}
    for relation in catalogue.relations:
        assert (relation.subject, relation.chunk) in mentioned


def test_a_csv_table_gives_each_row_its_facts() -> None:
    draft = draft_of(SUPPLIERS_CSV, DocumentType.CSV, "Suppliers")
    assert entities(draft)["Globex Inc"] is EntityType.organization
    assert entities(draft)["Initech Ltd"] is EntityType.organization
    assert {
        ("Globex Inc", "country", "Portugal"),
        ("Globex Inc", "email", "orders@globex.example"),
        ("Globex Inc", "lead_time", "5 days"),
        ("Initech Ltd", "email", "hola@initech.example"),
    } <= facts(draft)


def test_a_two_column_table_that_reads_like_data_is_key_value_lines() -> None:
    text = b"# Bracket Z\n\n| Warranty | 2 years |\n|---|---|\n| Returns | 30 days |\n"
    found = facts(draft_of(text, DocumentType.MARKDOWN, "Bracket Z"))
    assert found == {("Bracket Z", "warranty", "2 years"), ("Bracket Z", "returns", "30 days")}


def test_plain_text_key_value_lines_without_a_heading_describe_the_title() -> None:
    text = b"Opening hours: 9:00-18:00\nPhone: +351 21 000 0000\nParking: free for customers\n"
    draft = draft_of(text, DocumentType.TEXT, "Lisbon Store")
    assert {
        ("Lisbon Store", "opening_hours", "9:00-18:00"),
        ("Lisbon Store", "phone", "+351 21 000 0000"),
        ("Lisbon Store", "parking", "free for customers"),
    } == facts(draft)
    assert entities(draft)["Lisbon Store"] is EntityType.organization  # "Store"


def test_the_same_document_gives_the_same_graph(catalogue: GraphDraft) -> None:
    again = draft_of(CATALOGUE.encode(), DocumentType.MARKDOWN, "Catalogue")
    assert again == catalogue
    assert [e.ref for e in again.entities] == sorted(e.ref for e in again.entities)


def test_co_occurrences_are_bounded() -> None:
    people = [f"Person{n} Lastname{n}" for n in range(400)]
    lines = [". ".join(f"We met {' and '.join(people[i : i + 6])} today" for i in range(0, 400, 6))]
    draft = draft_of("\n\n".join(lines).encode(), DocumentType.TEXT, "Meetings")
    together = [r for r in draft.relations if r.predicate == "mentioned_with"]
    assert 0 < len(together) <= MAX_COOCCURRENCES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call 555-0199 today", [("555-0199", EntityType.phone)]),
        (
            "It costs 30 euros or R$ 150",
            [("30 euros", EntityType.price), ("R$ 150", EntityType.price)],
        ),
        (
            "Order XK-4471 and AB1234",
            [("XK-4471", EntityType.product), ("AB1234", EntityType.product)],
        ),
        ("We moved on 12.05.2024 with 1 200 000 items", []),
        ("Visit www.example.com/help.", [("www.example.com/help", EntityType.url)]),
    ],
)
def test_patterns(text: str, expected: list[tuple[str, EntityType]]) -> None:
    assert [(s.name, s.type) for s in find_entities(text)] == expected
