"""Retrieval quality: recall@1/@5/@10 and MRR of knowledge search over a real multilingual corpus.

The corpus (`bench/retrieval_corpus/`, provenance and licences in its README) is documentation
that Debian and PyPI packages ship, in English, Spanish, Portuguese and Russian, as HTML,
Markdown and plain text. The questions (`bench/retrieval_qa.json`) are of three kinds: `exact`
(the question names the term the answer contains), `paraphrase` (the answer in other words) and
`multi` (two evidence strings, from two passages, both needed). Each has evidence strings that
are exact substrings of its document's parsed text (whitespace collapsed); before anything else
the run parses every file with the real parsers and stops if one is missing.

An embedded PostgreSQL and Redis in a temporary directory, migrated; one tenant; every file
added with `documents.service.add_document` (whose indexing job goes to Redis) and indexed by the
worker's own job function `index_next_document` with the local embedding model. Every question
then goes through `search.service.search_for_request` in each mode the search offers (vector,
text, hybrid; there is no reranker yet, so that row says so) with a limit of 10.

A question's rank is the first rank at which every one of its evidence strings is inside some
hit of its document (for `multi`: the later of the two); recall@k is the share of questions
ranked k or better, MRR the mean of 1/rank (0 when not in the top 10). The table shows each
mode per kind and per language beside the previous run's numbers, read from
`bench/results/retrieval-last.json`, which each run then overwrites (the file is committed, so a
fresh clone shows the last numbers).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from agentplatform.core.db import create_engine, create_sessionmaker, unit_of_work
from agentplatform.core.embedded import start_postgres, start_redis
from agentplatform.core.migrations import upgrade_head
from agentplatform.core.redis import create_redis
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.models import Document, DocumentStatus, SourceKind
from agentplatform.knowledge.documents.parsing import detect_type, parse
from agentplatform.knowledge.documents.service import add_document
from agentplatform.knowledge.documents.storage import LocalStorage
from agentplatform.knowledge.index.tasks import index_next_document
from agentplatform.knowledge.search.query import SearchMode
from agentplatform.knowledge.search.schemas import SearchRequest
from agentplatform.knowledge.search.service import search_for_request
from sqlalchemy import select, text

HERE = Path(__file__).resolve().parent
CORPUS_DIR = HERE / "retrieval_corpus"
QA_PATH = HERE / "retrieval_qa.json"
RESULTS_PATH = HERE / "results" / "retrieval-last.json"
LANGUAGES = ("en", "es", "pt", "ru")
KINDS = ("exact", "paraphrase", "multi")
MODES: tuple[SearchMode, ...] = ("vector", "text", "hybrid")
NOT_YET = {"hybrid + rerank": "n/a (no reranker yet)"}
KS = (1, 5, 10)
LIMIT = max(KS)


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    lang: str
    kind: str
    document: str  # path under CORPUS_DIR
    question: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    document: str
    text: str


def normalize(value: str) -> str:
    """Whitespace collapsed to single spaces: parsers keep a source's line breaks."""
    return " ".join(value.split())


# --- the QA set and the corpus ------------------------------------------------------------------


def load_questions(path: Path = QA_PATH) -> list[Question]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    questions = [
        Question(
            id=item["id"],
            lang=item["lang"],
            kind=item["kind"],
            document=item["document"],
            question=item["question"],
            evidence=tuple(item["evidence"]),
        )
        for item in raw["questions"]
    ]
    problems = []
    for q in questions:
        if q.kind not in KINDS or q.lang not in LANGUAGES:
            problems.append(f"{q.id}: unknown kind {q.kind!r} or language {q.lang!r}")
        if len(q.evidence) != (2 if q.kind == "multi" else 1):
            problems.append(f"{q.id}: a {q.kind} question needs {2 if q.kind == 'multi' else 1}")
    if len({q.id for q in questions}) != len(questions):
        problems.append("question ids are not unique")
    if problems:
        raise ValueError("bad QA set:\n" + "\n".join(problems))
    return questions


def corpus_files(corpus: Path = CORPUS_DIR) -> list[Path]:
    """The files that are ingested: those in the language folders (not README, not LICENSES)."""
    return sorted(p for lang in LANGUAGES for p in (corpus / lang).glob("*") if p.is_file())


def parsed_text(path: Path) -> str:
    """The document's text as the real parsers see it, whitespace collapsed."""
    data = path.read_bytes()
    document = parse(data, detect_type(data, path.name, None))
    return normalize("\n".join(block.text for block in document.blocks))


def missing_evidence(questions: Iterable[Question], texts: Mapping[str, str]) -> list[str]:
    """Each evidence string that is not in its document's parsed text, as a readable line."""
    problems = []
    for q in questions:
        body = texts.get(q.document)
        if body is None:
            problems.append(f"{q.id}: no document {q.document}")
            continue
        problems += [
            f"{q.id}: {e!r} not in {q.document}" for e in q.evidence if normalize(e) not in body
        ]
    return problems


def check_evidence(questions: Sequence[Question], corpus: Path = CORPUS_DIR) -> dict[str, str]:
    texts = {str(p.relative_to(corpus)): parsed_text(p) for p in corpus_files(corpus)}
    problems = missing_evidence(questions, texts)
    if problems:
        raise SystemExit("evidence missing from the corpus:\n" + "\n".join(problems))
    return texts


# --- scoring --------------------------------------------------------------------------------------


def question_rank(question: Question, hits: Sequence[Hit]) -> int | None:
    """The 1-based rank by which every evidence string has appeared in a hit of the question's
    document; None if some evidence is in none of `hits`."""
    worst = 0
    for evidence in question.evidence:
        wanted = normalize(evidence)
        rank = next(
            (
                i
                for i, hit in enumerate(hits, start=1)
                if hit.document == question.document and wanted in normalize(hit.text)
            ),
            None,
        )
        if rank is None:
            return None
        worst = max(worst, rank)
    return worst


def scores(ranks: Sequence[int | None]) -> dict[str, float]:
    """recall@k for k in KS and MRR (a miss counts 0) of a group of questions' ranks."""
    n = len(ranks)
    if n == 0:
        return {**{f"r@{k}": float("nan") for k in KS}, "mrr": float("nan"), "n": 0}
    out: dict[str, float] = {f"r@{k}": sum(1 for r in ranks if r and r <= k) / n for k in KS}
    out["mrr"] = sum(1 / r for r in ranks if r) / n
    out["n"] = n
    return out


def summarize(
    questions: Sequence[Question], ranks: Mapping[str, Mapping[str, int | None]]
) -> dict[str, dict[str, dict[str, float]]]:
    """Per mode: scores of all questions, then of each kind (`kind:exact`) and language."""
    table: dict[str, dict[str, dict[str, float]]] = {}
    for mode, by_question in ranks.items():
        groups: dict[str, list[int | None]] = {"all": []}
        for q in questions:
            rank = by_question[q.id]
            groups["all"].append(rank)
            groups.setdefault(f"kind:{q.kind}", []).append(rank)
            groups.setdefault(f"lang:{q.lang}", []).append(rank)
        table[mode] = {group: scores(values) for group, values in groups.items()}
    return table


# --- ingestion and search ----------------------------------------------------------------------


async def _evaluate(
    settings: Settings, questions: Sequence[Question], files: Sequence[Path]
) -> tuple[dict[str, dict[str, int | None]], dict[str, Any]]:
    engine = create_engine(settings)
    maker = create_sessionmaker(engine)
    arq = create_redis(settings.redis_url or "")
    storage = LocalStorage(settings.storage_path)
    tenant_id = uuid.uuid4()
    try:
        async with unit_of_work(maker, None) as session:
            await session.execute(
                text("INSERT INTO tenant (id, name, slug) VALUES (:id, 'Retrieval eval', :slug)"),
                {"id": tenant_id, "slug": f"eval-{tenant_id.hex[:8]}"},
            )
        names: dict[uuid.UUID, str] = {}
        for path in files:
            async with unit_of_work(maker, arq) as session:
                document = await add_document(
                    session,
                    storage,
                    tenant_id,
                    data=path.read_bytes(),
                    title=None,
                    filename=path.name,
                    declared_type=None,
                    source_kind=SourceKind.upload,
                    max_bytes=settings.max_upload_bytes,
                )
                names[document.id] = str(path.relative_to(CORPUS_DIR))
        started = time.perf_counter()
        ctx: dict[str, Any] = {"settings": settings, "sessionmaker": maker, "redis": arq}
        outcomes = []
        while (outcome := await index_next_document(ctx)) != "skipped":
            outcomes.append(outcome)
        indexing_seconds = time.perf_counter() - started
        async with maker() as session:
            documents = list((await session.scalars(select(Document))).all())
            chunks = list(
                (await session.execute(text("SELECT document_id, text FROM chunk"))).tuples()
            )
        not_ready = [
            f"{names[d.id]}: {d.status} {d.last_error or ''}"
            for d in documents
            if d.status != DocumentStatus.ready
        ]
        if not_ready:
            raise SystemExit("documents not indexed:\n" + "\n".join(not_ready))
        _check_chunked(questions, [Hit(names[d], t) for d, t in chunks])

        ranks: dict[str, dict[str, int | None]] = {mode: {} for mode in MODES}
        search_ms: dict[str, float] = {}
        for mode in MODES:
            started = time.perf_counter()
            for q in questions:
                async with maker() as session:
                    hits, _ = await search_for_request(
                        session,
                        settings,
                        tenant_id,
                        SearchRequest(query=q.question, mode=mode, limit=LIMIT),
                    )
                    await session.rollback()
                found = [Hit(names[h.document_id], h.text) for h in hits]
                ranks[mode][q.id] = question_rank(q, found)
            search_ms[mode] = (time.perf_counter() - started) * 1000 / len(questions)
        info = {
            "documents": len(documents),
            "chunks": len(chunks),
            "indexing_seconds": round(indexing_seconds, 1),
            "search_ms_per_query": {m: round(v, 1) for m, v in search_ms.items()},
        }
        return ranks, info
    finally:
        await arq.aclose()
        await engine.dispose()


def _check_chunked(questions: Sequence[Question], chunks: Sequence[Hit]) -> None:
    """Every evidence string must fit inside one chunk of its document, or no search could ever
    find it: a question the chunker splits is a bad question, not a miss."""
    split = [
        f"{q.id}: {e!r} is split across chunks of {q.document}"
        for q in questions
        for e in q.evidence
        if question_rank(Question(q.id, q.lang, "exact", q.document, "", (e,)), chunks) is None
    ]
    if split:
        raise SystemExit("evidence no chunk contains:\n" + "\n".join(split))


# --- the report --------------------------------------------------------------------------------


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 (git from PATH, as make does)
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def _cells(values: Mapping[str, float] | None) -> str:
    if values is None:
        return " | ".join(["    -"] * (len(KS) + 1))
    return " | ".join(f"{values[key]:.3f}" for key in [*(f"r@{k}" for k in KS), "mrr"])


def render(
    table: Mapping[str, Mapping[str, Mapping[str, float]]],
    previous: Mapping[str, Any] | None,
) -> str:
    before = cast(
        Mapping[str, Mapping[str, Mapping[str, float]]], (previous or {}).get("table", {})
    )
    label = f"previous ({previous['commit']}, {previous['when'][:10]})" if previous else "previous"
    head = " | ".join(f"{m}" for m in [*(f"R@{k}" for k in KS), "MRR"])
    lines = []
    for title, prefix, names in (
        ("kind", "kind:", KINDS),
        ("language", "lang:", LANGUAGES),
    ):
        lines.append(f"\nBy {title}: now | {label}")
        lines.append(f"| mode            | {title:<10} |   n | {head} || {head} |")
        lines.append("|" + "---|" * (3 + 2 * (len(KS) + 1)))
        for mode in [*MODES, *NOT_YET]:
            if mode in NOT_YET:
                lines.append(f"| {mode:<15} | {'all':<10} |   - | {NOT_YET[mode]} |")
                continue
            for group in ["all", *(prefix + n for n in names)]:
                now = table[mode].get(group)
                if now is None:  # no question of that kind or language
                    continue
                old = before.get(mode, {}).get(group)
                shown = group.removeprefix(prefix)
                lines.append(
                    f"| {mode:<15} | {shown:<10} | {int(now['n']):>3} | {_cells(now)} || "
                    f"{_cells(old)} |"
                )
    return "\n".join(lines)


def run() -> None:
    questions = load_questions()
    files = corpus_files()
    check_evidence(questions)
    previous = json.loads(RESULTS_PATH.read_text()) if RESULTS_PATH.exists() else None
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        data = Path(tmp)
        pg = start_postgres(data / "pg")
        redis = start_redis(data, persist=False)
        try:
            upgrade_head(pg.url())
            settings = Settings(
                database_url=pg.url(),
                redis_url=redis.url,
                data_dir=data,
                storage_dir=data / "storage",
            )
            ranks, info = asyncio.run(_evaluate(settings, questions, files))
        finally:
            redis.stop()
            pg.stop()
    table = summarize(questions, ranks)
    size = sum(p.stat().st_size for p in files)
    print(
        f"\nRetrieval: {len(questions)} questions over {len(files)} documents "
        f"({size // 1024} kB, {info['chunks']} chunks, indexed in {info['indexing_seconds']} s), "
        f"top {LIMIT}, local embedder"
    )
    print(render(table, previous))
    result = {
        "commit": _git_commit(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "questions": len(questions),
        **info,
        "table": table,
        "ranks": ranks,
    }
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"\nWritten to {RESULTS_PATH.relative_to(HERE.parent)}")
