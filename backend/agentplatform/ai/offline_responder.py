"""The answer an agent gives when no LLM provider is configured: extractive, never invented.

`OfflineResponder.answer` picks, from the passages retrieval found, the few sentences closest in
meaning to the customer's last message and quotes them, with a fixed lead-in in the agent's language
and the titles of the sources. Nothing is generated: every sentence of an answer is a sentence of a
passage (whitespace and list markers aside) or one of the fixed templates of `offline_templates`.
It is deterministic: the same input gives the same answer.

How a reply is chosen:

1. The last user message is the question. If it is only a greeting ("hi", "hola", "olá",
   "привет", ...), the reply is the agent's greeting, or a fixed one if the agent has none.
2. Passages are split into sentences (`sentences.split_sentences`: paragraphs, list items, then
   sentence ends that respect abbreviations, initials, decimals and enumerators). Sentences with
   fewer than three words (headings, labels) and repeats are not candidates; at most
   `max_candidates` are considered, in passage order, which bounds the time spent embedding.
3. Each candidate scores the cosine similarity of its embedding to the question's plus a small
   bonus for the share of the question's content words it contains (`lexical_weight`). A sentence
   under a heading ("## Location") is also scored as "Location: <sentence>" and keeps the better
   score, provided it reaches `own_floor` on its own: the heading gives context to "We are at Av.
   da Liberdade 100", but cannot make "Our logo is blue" an answer to a question on prices.
4. The score is calibrated against unrelated text: all-MiniLM-L6-v2 was trained on English, and
   text in another language (Cyrillic above all) sits at a cosine of 0.4-0.6 from any other text in
   that language, so no fixed cosine separates relevant from irrelevant in every language. The
   question is compared with a few fixed sentences on unrelated subjects in each supported language
   (`offline_templates.NULL_SENTENCES`); the highest per-language mean is its baseline `b`, and a
   sentence's relevance is `(score - b) / (1 - b)`: how far it moved from unrelated text toward the
   question.
   Sentences whose relevance reaches `threshold` and `relative_floor` times the best one's are
   taken best first, up to `max_sentences` and `max_chars` in total (a single sentence longer than
   that is cut at a word boundary, marked with "…").
5. They are quoted grouped by passage (the passage with the best sentence first), in their original
   order within the passage, and followed by the titles of those passages.
6. If no sentence reaches the threshold, the reply says so honestly (the fallback) and `kind` is
   "fallback", so the chat layer can hand the conversation to a person.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, NotRequired, Protocol, TypedDict

import numpy as np
import numpy.typing as npt

from agentplatform.ai.offline_templates import (
    GREETING_WORDS,
    NULL_SENTENCES,
    templates_for,
)
from agentplatform.core.text.sentences import TERMINAL_PUNCTUATION, WORD, split_sentences
from agentplatform.core.text.stopwords import STOPWORDS

OFFLINE_MODEL = "offline/extractive-v1"

AnswerKind = Literal["answer", "fallback", "greeting"]


class Embedder(Protocol):
    """What the responder needs from an embedding model (LocalEmbedder is one)."""

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


class ChatMessage(TypedDict):
    role: str  # "user" | "assistant" | "system"
    content: str


class Passage(TypedDict):
    """A retrieved chunk; `score` is accepted but unused (relevance is measured per sentence)."""

    text: str
    title: NotRequired[str | None]
    source: NotRequired[str | None]
    score: NotRequired[float | None]


@dataclass(frozen=True)
class OfflineAnswer:
    text: str
    used_passages: list[int]  # indexes into the `passages` argument, in the order quoted
    offline: bool = True
    model: str = OFFLINE_MODEL
    tokens_in: int = 0  # estimates (words and punctuation marks), for usage accounting
    tokens_out: int = 0
    kind: AnswerKind = "answer"
    sources: list[str] = field(default_factory=list)  # the titles cited, in order


# --- greetings --------------------------------------------------------------------------------


def is_greeting(message: str) -> bool:
    """A message made only of greeting words (and punctuation or emoji), at most six words."""
    words = [word.lower() for word in WORD.findall(message)]
    return 0 < len(words) <= 6 and all(word in GREETING_WORDS for word in words)


# --- scoring ----------------------------------------------------------------------------------


def _stems(text: str) -> set[str]:
    """Content words cut to five characters: a crude stem shared by "pricing"/"prices"."""
    stems = set()
    for word in WORD.findall(_fold(text)):
        if word in _FOLDED_STOPWORDS or (len(word) < 3 and not word.isdigit()):
            continue
        stems.add(word[:5] if not word.isdigit() else word)
    return stems


def _fold(text: str) -> str:
    """Lower case without accents, so "información" and "informacion" meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_FOLDED_STOPWORDS = frozenset(_fold(word) for word in STOPWORDS)


def estimate_tokens(text: str) -> int:
    """Words and punctuation marks: a deterministic stand-in for an LLM tokenizer's count."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def _cut(sentence: str, limit: int) -> str:
    if len(sentence) <= limit:
        return sentence
    head = sentence[: limit - 1]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:") + "…"


def _unit(vectors: npt.ArrayLike) -> npt.NDArray[np.float64]:
    array = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(array, axis=-1, keepdims=True)
    return np.asarray(array / np.maximum(norms, 1e-12), dtype=np.float64)


@dataclass(frozen=True)
class _Candidate:
    passage: int
    position: int  # order of the sentence within its passage
    text: str
    heading: str = ""  # the heading above it in the passage, if any: embedded, never quoted

    @property
    def embedded(self) -> str:
        return f"{self.heading}: {self.text}" if self.heading else self.text


class OfflineResponder:
    """Extractive answers from retrieved passages; see the module documentation.

    One instance per process is enough (it keeps the baseline vectors); it is thread-safe. An
    answer embeds the question and up to `max_candidates` sentences in one call: typically well
    under half a second on two cores with the local model.
    """

    model = OFFLINE_MODEL

    def __init__(
        self,
        embedder: Embedder,
        *,
        threshold: float = 0.25,
        relative_floor: float = 0.75,
        lexical_weight: float = 0.15,
        own_floor: float = 0.1,
        max_sentences: int = 3,
        max_chars: int = 600,
        max_candidates: int = 64,
    ) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self.relative_floor = relative_floor
        self.lexical_weight = lexical_weight
        self.own_floor = own_floor
        self.max_sentences = max_sentences
        self.max_chars = max_chars
        self.max_candidates = max_candidates
        self._nulls: npt.NDArray[np.float64] | None = None  # (languages, sentences, dimensions)
        self._nulls_lock = threading.Lock()

    def answer(
        self,
        *,
        instructions: str = "",
        greeting: str | None = None,
        language: str = "en",
        conversation: Sequence[ChatMessage],
        passages: Sequence[Passage],
    ) -> OfflineAnswer:
        """The reply to the last user message. CPU-bound (embeds); async code uses `aanswer`.

        `instructions` (the agent's system prompt) are counted in `tokens_in` but cannot be
        followed: an extractive answer only quotes the knowledge.
        """
        texts = templates_for(language)
        tokens_in = estimate_tokens(instructions) + sum(
            estimate_tokens(message["content"]) for message in conversation
        )
        tokens_in += sum(estimate_tokens(passage["text"]) for passage in passages)
        question = next(
            (m["content"].strip() for m in reversed(conversation) if m["role"] == "user"), ""
        )

        if not question or is_greeting(question):
            reply = (greeting or "").strip() or texts.greeting
            return self._reply(reply, "greeting", tokens_in)

        chosen = self._choose(question, passages)
        if not chosen:
            return self._reply(texts.fallback, "fallback", tokens_in)

        order: list[int] = []  # passages, the one holding the best sentence first
        for candidate in chosen:
            if candidate.passage not in order:
                order.append(candidate.passage)
        paragraphs = []
        for index in order:
            quoted = sorted((c for c in chosen if c.passage == index), key=lambda c: c.position)
            paragraph = quoted[0].text
            for previous, candidate in itertools.pairwise(quoted):
                # Sentences run on; list items and labels without a full stop get their own line.
                joiner = " " if previous.text.endswith(TERMINAL_PUNCTUATION) else "\n"
                paragraph += joiner + candidate.text
            paragraphs.append(paragraph)
        sources: list[str] = []
        for index in order:
            title = _title(passages[index])
            if title and title not in sources:
                sources.append(title)

        text = "\n\n".join([texts.lead_in, *paragraphs])
        if sources:
            text += f"\n\n{texts.sources}: {'; '.join(sources)}"
        return OfflineAnswer(
            text=text,
            used_passages=order,
            tokens_in=tokens_in,
            tokens_out=estimate_tokens(text),
            kind="answer",
            sources=sources,
        )

    async def aanswer(
        self,
        *,
        instructions: str = "",
        greeting: str | None = None,
        language: str = "en",
        conversation: Sequence[ChatMessage],
        passages: Sequence[Passage],
    ) -> OfflineAnswer:
        """`answer` in a worker thread, so embedding never blocks the event loop."""
        return await asyncio.to_thread(
            lambda: self.answer(
                instructions=instructions,
                greeting=greeting,
                language=language,
                conversation=conversation,
                passages=passages,
            )
        )

    # --- internals --------------------------------------------------------------------------

    def _reply(self, text: str, kind: AnswerKind, tokens_in: int) -> OfflineAnswer:
        return OfflineAnswer(
            text=text,
            used_passages=[],
            tokens_in=tokens_in,
            tokens_out=estimate_tokens(text),
            kind=kind,
        )

    def _candidates(self, passages: Sequence[Passage]) -> list[_Candidate]:
        seen: set[str] = set()
        candidates: list[_Candidate] = []
        for index, passage in enumerate(passages):
            heading = ""
            for position, sentence in enumerate(split_sentences(passage.get("text") or "")):
                if len(WORD.findall(sentence)) < 3:
                    if not sentence.endswith(TERMINAL_PUNCTUATION):
                        # A heading or a label ("Prices", "## Location"): context for what follows.
                        heading = sentence.rstrip(":")
                    continue
                key = _fold(sentence)
                if key in seen:
                    continue
                seen.add(key)
                candidates.append(_Candidate(index, position, sentence, heading))
                if len(candidates) == self.max_candidates:
                    return candidates
        return candidates

    def _null_vectors(self) -> npt.NDArray[np.float64]:
        """NULL_SENTENCES embedded once per responder (about 0.1 s on two cores)."""
        with self._nulls_lock:
            if self._nulls is None:
                groups = list(NULL_SENTENCES.values())
                flat = [sentence for group in groups for sentence in group]
                vectors = _unit(self.embedder.embed(flat))
                self._nulls = vectors.reshape(len(groups), len(groups[0]), -1)
            return self._nulls

    def relevance(self, question: str, sentences: Sequence[str]) -> npt.NDArray[np.float64]:
        """Calibrated relevance of each sentence to the question (see the module notes)."""
        nulls = self._null_vectors()
        vectors = _unit(self.embedder.embed([question, *sentences]))
        asked = vectors[0]
        baseline = float((nulls @ asked).mean(axis=1).max())
        cosine = vectors[1:] @ asked
        stems = _stems(question)
        overlap = np.array(
            [len(stems & _stems(sentence)) / len(stems) if stems else 0.0 for sentence in sentences]
        )
        score = cosine + self.lexical_weight * overlap
        return np.asarray((score - baseline) / max(1.0 - baseline, 1e-6), dtype=np.float64)

    def _choose(self, question: str, passages: Sequence[Passage]) -> list[_Candidate]:
        """The quoted sentences, best first."""
        candidates = self._candidates(passages)
        if not candidates:
            return []
        headed = [i for i, c in enumerate(candidates) if c.heading]
        both = self.relevance(
            question, [c.text for c in candidates] + [candidates[i].embedded for i in headed]
        )
        scores = both[: len(candidates)].copy()
        for j, i in enumerate(headed):
            # A heading lifts a sentence that is relevant on its own, never an unrelated one.
            if scores[i] >= self.own_floor:
                scores[i] = max(scores[i], both[len(candidates) + j])
        best = float(scores.max())
        if best < self.threshold:
            return []
        floor = max(self.threshold, self.relative_floor * best)
        # Best first; ties go to the earlier passage and sentence, so the order is total.
        ranked = sorted(
            range(len(candidates)),
            key=lambda i: (
                -round(float(scores[i]), 6),
                candidates[i].passage,
                candidates[i].position,
            ),
        )
        chosen: list[_Candidate] = []
        used = 0
        for i in ranked:
            if scores[i] < floor or len(chosen) == self.max_sentences:
                break
            candidate = candidates[i]
            if not chosen and len(candidate.text) > self.max_chars:
                candidate = dataclasses.replace(
                    candidate, text=_cut(candidate.text, self.max_chars)
                )
            if used + len(candidate.text) > self.max_chars:
                continue  # a shorter, lower-ranked sentence may still fit
            chosen.append(candidate)
            used += len(candidate.text) + 1
        return chosen


def _title(passage: Passage) -> str:
    return ((passage.get("title") or passage.get("source")) or "").strip()
