"""A document's language, and the PostgreSQL text-search configuration its chunks are indexed with.

The language is detected once per indexing from the document's prose (code blocks are left out:
their keywords are English whatever the document's language) by py3langid, a naive Bayes model
over byte n-grams shipped in its wheel (97 languages, BSD-3-Clause; about 25 ms for the 20,000
characters read here, 3-4 s to load once per process). A detection below `MIN_CONFIDENCE` counts
as none.

A language maps to the configuration of its name that PostgreSQL ships (`english`, `spanish`,
`portuguese`, `russian`, ...: a Snowball stemmer and a stop-word list); a language without one,
or none detected, gets `simple` (lower-cased words, no stemming, no stop words). The chunk's
`search_vector` is built with its own configuration and so is the query it is matched with
(`knowledge_search`, migration 0020), so a Russian question finds "пакетов" under "пакет".

Detection is for whole documents: a question is too short to tell Spanish from Galician or
Portuguese (py3langid calls "¿Cómo instalo un paquete?" Galician), so queries are not detected,
they are parsed in each configuration of the documents searched.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.knowledge.documents.parsing import Block, BlockKind

SIMPLE = "simple"
#: Below this normalised probability a detection is not trusted.
MIN_CONFIDENCE = 0.5
#: The detector reads at most this many characters of a document's prose.
SAMPLE_CHARS = 20_000

#: ISO 639-1 codes (as py3langid names them) -> the text-search configuration PostgreSQL ships
#: for the language (all of these are in PostgreSQL 16; estonian since 17).
TS_CONFIGS: dict[str, str] = {
    "ar": "arabic",
    "hy": "armenian",
    "eu": "basque",
    "ca": "catalan",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "et": "estonian",
    "fi": "finnish",
    "fr": "french",
    "de": "german",
    "el": "greek",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "nb": "norwegian",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "es": "spanish",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}

_lock = threading.Lock()
_identifier: Any = None


def _get_identifier() -> Any:
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier


def prose_sample(blocks: Iterable[Block], limit: int = SAMPLE_CHARS) -> str:
    """The document's text without its code, up to `limit` characters."""
    pieces: list[str] = []
    size = 0
    for block in blocks:
        if block.kind is BlockKind.CODE or not block.text.strip():
            continue
        pieces.append(block.text)
        size += len(block.text) + 1
        if size >= limit:
            break
    return "\n".join(pieces)[:limit]


def detect_language(sample: str) -> str | None:
    """The ISO 639-1 code of the sample's language, or None when it cannot be told. Blocking
    (the first call loads the model): run it in a thread from async code."""
    if not any(char.isalpha() for char in sample):
        return None
    language, confidence = _get_identifier().classify(sample)
    return str(language) if confidence >= MIN_CONFIDENCE else None


def ts_config_name(language: str | None) -> str:
    """The configuration a language's text is indexed with (`simple` when there is none)."""
    return TS_CONFIGS.get(language or "", SIMPLE)


async def available_ts_config(session: AsyncSession, language: str | None) -> str:
    """`ts_config_name`, if the database has that configuration (older servers lack some)."""
    name = ts_config_name(language)
    if name == SIMPLE:
        return SIMPLE
    found = await session.scalar(
        text(
            "SELECT cfgname FROM pg_ts_config "
            "WHERE cfgname = :name AND cfgnamespace = 'pg_catalog'::regnamespace"
        ),
        {"name": name},
    )
    return str(found) if found is not None else SIMPLE
