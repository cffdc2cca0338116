"""The retrieval evaluation (`bench/retrieval.py`): its QA set holds up and its scoring is right.

The whole run (ingestion and every search) is `make eval`; here only its parts that need no
database: every evidence string is in its document as the real parsers read it, and the ranks,
recall@k and MRR come out as computed by hand on a small case cut from the corpus.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from bench import retrieval
from bench.retrieval import Hit, Question, question_rank, scores, summarize

DOC = "en/debian-faq-pkgtools.en.html"
OTHER = "pt/debian-faq-pkgtools.pt.html"


def test_every_evidence_string_is_in_its_parsed_document() -> None:
    questions = retrieval.load_questions()
    texts = retrieval.check_evidence(questions)  # raises with the list of what is missing
    assert set(texts) == {
        str(p.relative_to(retrieval.CORPUS_DIR)) for p in retrieval.corpus_files()
    }
    assert len(questions) >= 60
    assert {q.kind for q in questions} == set(retrieval.KINDS)
    assert {q.lang for q in questions} >= {"en", "es", "pt", "ru"}
    for lang in ("es", "pt", "ru"):
        assert all(q.document.startswith(f"{lang}/") for q in questions if q.lang == lang)


def test_a_missing_evidence_string_is_reported() -> None:
    question = Question("x-1", "en", "exact", DOC, "?", ("dpkg --frobnicate",))
    texts = {DOC: retrieval.parsed_text(retrieval.CORPUS_DIR / DOC)}
    assert retrieval.missing_evidence([question], texts) == [
        f"x-1: 'dpkg --frobnicate' not in {DOC}"
    ]
    elsewhere = dataclasses.replace(question, document="nowhere.html")
    assert retrieval.missing_evidence([elsewhere], texts) == ["x-1: no document nowhere.html"]


def _hits() -> list[Hit]:
    # Three real passages of the English chapter (with its line breaks), and the Portuguese
    # translation of the second, which must not count for an English question.
    body = retrieval.parsed_text(retrieval.CORPUS_DIR / DOC)
    start = body.index("To learn the status of all the packages")
    status = body[start : body.index("To get a more verbose report", start)]
    listfiles = "To list all the files provided by the installed package foo\nexecute the command"
    return [
        Hit(DOC, "synaptic is a graphical package manager. It enables you to\ninstall"),
        Hit(OTHER, "Para obter um relatório mais detalhado: dpkg --status packagename"),
        Hit(DOC, status),
        Hit(DOC, listfiles),
        Hit(DOC, "dpkg --status packagename"),
    ]


def test_rank_is_where_all_evidence_has_appeared_in_the_right_document() -> None:
    hits = _hits()
    one = Question("a", "en", "paraphrase", DOC, "?", ("synaptic is a graphical package manager",))
    wrapped = Question(
        "b", "en", "exact", DOC, "?", ("provided by the installed package foo execute",)
    )
    multi = Question(
        "c", "en", "multi", DOC, "?", ("dpkg --list 'foo*'", "dpkg --status packagename")
    )
    missing = Question("d", "en", "multi", DOC, "?", ("synaptic", "apt full-upgrade"))
    assert question_rank(one, hits) == 1
    assert question_rank(wrapped, hits) == 4  # line breaks in the hit do not matter
    # 'foo*' is in the third hit, --status in the fifth (the second is in another document):
    # a question needing both is answered at the later of the two
    assert question_rank(multi, hits) == 5
    assert question_rank(missing, hits) is None
    assert question_rank(one, []) is None


def test_recall_and_mrr_by_hand() -> None:
    result = scores([1, 3, None, 10])
    assert result == {"r@1": 0.25, "r@5": 0.5, "r@10": 0.75, "mrr": (1 + 1 / 3 + 0.1) / 4, "n": 4}
    assert math.isnan(scores([])["mrr"])


def test_summary_groups_by_kind_and_language() -> None:
    questions = [
        Question("e1", "en", "exact", DOC, "?", ("x",)),
        Question("e2", "en", "multi", DOC, "?", ("x", "y")),
        Question("p1", "pt", "exact", OTHER, "?", ("x",)),
    ]
    table = summarize(questions, {"text": {"e1": 1, "e2": None, "p1": 2}})
    assert table["text"]["all"]["r@1"] == pytest.approx(1 / 3)
    assert table["text"]["kind:exact"] == scores([1, 2])
    assert table["text"]["kind:multi"]["r@10"] == 0
    assert table["text"]["lang:pt"]["mrr"] == 0.5
    shown = retrieval.render({m: table["text"] for m in retrieval.MODES}, None)
    assert "n/a (no reranker yet)" in shown
