"""The knowledge part of an agent's context: passages that answer a question, and what the
knowledge graph knows about the things it names. Both come only from the documents the agent may
read, and each item says which document and chunk it comes from.

Passages are the hybrid search's best chunks. Facts are the relations of the entities the question
names: its e-mail addresses, prices, codes and capitalised names (found as the offline extractor
finds them), and every run of one to four words that is not a stop word, compared with entity
names case- and accent-blind ("what does acme corp's bracket x cost" names "Acme Corp" and
"Bracket X").
"""

# ruff: noqa: RUF001 - typographic apostrophes
from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.settings import Settings
from agentplatform.core.text.stopwords import STOPWORDS
from agentplatform.knowledge.graph import queries as graph_queries
from agentplatform.knowledge.graph.extraction import name_key
from agentplatform.knowledge.graph.offline.extractor import find_entities
from agentplatform.knowledge.graph.queries import Fact
from agentplatform.knowledge.search.schemas import SearchRequest
from agentplatform.knowledge.search.service import readable_documents, search_for_request

MAX_QUERY_CHARS = 2_000
MAX_NAME_WORDS = 4
DEFAULT_PASSAGES = 5
DEFAULT_FACTS = 10

_WORD = re.compile(r"\w(?:[\w'’&.@-]*\w)?")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class ContextPassage:
    chunk_id: uuid.UUID
    document_id: uuid.UUID
    document_title: str
    heading_path: list[str]
    text: str
    score: float


@dataclass(frozen=True)
class KnowledgeContext:
    query: str
    passages: list[ContextPassage]
    facts: list[Fact]


def names_in(text: str) -> list[str]:
    """The normalised names a text may refer to, in the order they appear (see the docstring)."""
    text = text[:MAX_QUERY_CHARS]
    keys = [span.key or name_key(span.name) for span in find_entities(text)]
    words = [_POSSESSIVE.sub("", word) for word in _WORD.findall(text)]
    for size in range(1, MAX_NAME_WORDS + 1):
        for start in range(len(words) - size + 1):
            gram = words[start : start + size]
            edges = {gram[0].lower(), gram[-1].lower()}
            if edges & STOPWORDS or (size == 1 and (len(gram[0]) < 2 or gram[0].isdigit())):
                continue
            keys.append(name_key(" ".join(gram)))
    return list(dict.fromkeys(key for key in keys if key))


async def knowledge_context(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    *,
    query: str,
    knowledge_scope: Mapping[str, Any],
    limit: int = DEFAULT_PASSAGES,
    fact_limit: int = DEFAULT_FACTS,
) -> KnowledgeContext:
    """Passages and facts for `query`, within `knowledge_scope` (an agent's `knowledge`: `all`, or
    `document_ids` and `collection_ids`)."""
    query = query.strip()[:MAX_QUERY_CHARS]
    if not query:
        return KnowledgeContext(query=query, passages=[], facts=[])
    allowed = await readable_documents(session, tenant_id, knowledge_scope)
    request = SearchRequest(query=query, limit=limit)
    if allowed is not None:
        # Not validated again: an agent may read more documents than a request may name.
        request = request.model_copy(update={"document_ids": sorted(allowed)})
    hits, _ = await search_for_request(session, settings, tenant_id, request)
    facts = await graph_queries.facts_about(
        session, tenant_id, names_in(query), document_ids=allowed, limit=fact_limit
    )
    return KnowledgeContext(
        query=query,
        passages=[
            ContextPassage(
                chunk_id=hit.chunk_id,
                document_id=hit.document_id,
                document_title=hit.document_title,
                heading_path=hit.heading_path,
                text=hit.text,
                score=hit.score,
            )
            for hit in hits
        ],
        facts=facts,
    )
