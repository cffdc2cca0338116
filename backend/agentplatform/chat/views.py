"""How stored messages and a turn's context are shown: ORM rows and bundles to response models."""

from __future__ import annotations

from typing import Any

from agentplatform.chat.context import ContextBundle
from agentplatform.chat.generation import Generated
from agentplatform.chat.models import Contact, ContactExternalId, Message
from agentplatform.chat.schemas import (
    Citation,
    ContactRead,
    ContextFactRead,
    ContextInspection,
    ContextItemRead,
    ContextMemoryRead,
    ContextPassageRead,
    ContextSectionRead,
    ExternalIdRead,
    Latency,
    MessageRead,
)

QUOTE_CHARS = 600


def citations(bundle: ContextBundle, cited: list[int], used_facts: bool) -> list[dict[str, Any]]:
    """The stored form of what an answer cites, enough to show it after the document is gone:
    the passages cited, then the facts used (each from the chunk it was extracted from)."""
    out: list[dict[str, Any]] = []
    for index in cited:
        passage = bundle.passages[index]
        if passage.chunk_id is None or passage.document_id is None:
            continue
        out.append(
            {
                "kind": "passage",
                "number": index + 1,
                "chunk_id": str(passage.chunk_id),
                "document_id": str(passage.document_id),
                "document_title": passage.document_title,
                "quote": passage.text[:QUOTE_CHARS],
            }
        )
    for fact in bundle.facts if used_facts else []:
        if fact.chunk_id is None or fact.document_id is None:
            continue
        out.append(
            {
                "kind": "fact",
                "number": None,
                "chunk_id": str(fact.chunk_id),
                "document_id": str(fact.document_id),
                "document_title": fact.document_title or "",
                "quote": fact.text,
            }
        )
    return out


def message_read(message: Message) -> MessageRead:
    return MessageRead(
        id=message.id,
        conversation_id=message.conversation_id,
        role=message.role,
        content=message.content,
        status=message.status,
        provider=message.provider,
        model=message.model,
        offline=message.offline,
        tokens_in=message.tokens_in,
        tokens_out=message.tokens_out,
        latency=Latency.model_validate(message.latency) if message.latency else None,
        citations=[Citation.model_validate(c) for c in message.citations or []],
        tool_calls=list(message.tool_calls or []),
        error=message.error,
        created_at=message.created_at,
    )


def inspection(bundle: ContextBundle, generated: Generated | None) -> ContextInspection:
    cited = set(generated.cited) if generated else set()
    return ContextInspection(
        tokenizer=bundle.tokenizer,
        exact=bundle.exact,
        budget=bundle.budget,
        total_tokens=bundle.total_tokens,
        sections=[
            ContextSectionRead(
                name=s.name,
                tokens=s.tokens,
                items=[ContextItemRead(id=i.id, tokens=i.tokens, score=i.score) for i in s.items],
                dropped=s.dropped,
                truncated=s.truncated,
            )
            for s in bundle.sections
        ],
        passages=[
            ContextPassageRead(
                number=i + 1,
                chunk_id=p.chunk_id,
                document_id=p.document_id,
                document_title=p.document_title,
                score=p.score,
                text=p.text,
                cited=i in cited,
            )
            for i, p in enumerate(bundle.passages)
        ],
        facts=[
            ContextFactRead(
                text=f.text,
                chunk_id=f.chunk_id,
                document_id=f.document_id,
                confidence=f.confidence,
                used=bool(generated and generated.used_facts),
            )
            for f in bundle.facts
        ],
        memories=[ContextMemoryRead(id=m.id, text=m.text, score=m.score) for m in bundle.memories],
        crm_facts=list(bundle.crm_facts),
        system_prompt=bundle.messages[0][1],
    )


def contact_read(contact: Contact, ids: list[ContactExternalId]) -> ContactRead:
    return ContactRead(
        id=contact.id,
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        external_ids=[ExternalIdRead(system=i.system, external_id=i.external_id) for i in ids],
        created_at=contact.created_at,
    )
