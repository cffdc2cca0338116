"""Counting tokens as the model will, with tiktoken.

OpenAI's models are counted with their own encoding (`o200k_base` for GPT-4o, 4.1, 5 and the
o-series, `cl100k_base` for GPT-4 and 3.5). For any other model (Llama, Claude or Gemini through
OpenRouter, the offline responder) no tokenizer ships here, so `o200k_base` is used as an
estimate and the tokenizer says so (`exact=False`): multilingual BPE vocabularies of that size
come within about 10-20% of each other on ordinary text.

The BPE files are read from the litellm wheel installed as data (requirements-models.in), whose
`litellm_core_utils/tokenizers/` is a tiktoken cache directory; tiktoken checks each file's
sha256 before use, so nothing is downloaded and a damaged file is refused.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tiktoken

ESTIMATE_ENCODING = "o200k_base"
BUNDLED = frozenset({"o200k_base", "cl100k_base"})
# What the chat format adds around each message and before the answer, as OpenAI's guide counts it.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_REPLY = 3

_lock = threading.Lock()


def _bundled_cache_dir() -> str | None:
    spec = importlib.util.find_spec("litellm")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    directory = Path(next(iter(spec.submodule_search_locations))) / "litellm_core_utils"
    directory /= "tokenizers"
    return str(directory) if directory.is_dir() else None


@lru_cache(maxsize=len(BUNDLED))
def _encoding(name: str) -> tiktoken.Encoding:
    with _lock:
        if "TIKTOKEN_CACHE_DIR" not in os.environ:
            bundled = _bundled_cache_dir()
            if bundled is not None:
                os.environ["TIKTOKEN_CACHE_DIR"] = bundled
        return tiktoken.get_encoding(name)


@dataclass(frozen=True)
class Tokenizer:
    encoding_name: str
    exact: bool  # False: no tokenizer of this model is known, the count is an estimate

    @property
    def label(self) -> str:
        return self.encoding_name if self.exact else f"{self.encoding_name} (estimate)"

    def count(self, text: str) -> int:
        if not text:
            return 0
        return len(_encoding(self.encoding_name).encode(text, disallowed_special=()))

    def truncate(self, text: str, limit: int) -> str:
        """The longest prefix of `text` within `limit` tokens, cut at a token boundary."""
        if limit <= 0:
            return ""
        encoding = _encoding(self.encoding_name)
        tokens = encoding.encode(text, disallowed_special=())
        if len(tokens) <= limit:
            return text
        return encoding.decode(tokens[:limit]).rstrip("\ufffd")

    def count_messages(self, contents: Iterable[str]) -> int:
        """Tokens of a chat request whose messages hold `contents` (role names count as one)."""
        total = TOKENS_PER_REPLY
        for content in contents:
            total += TOKENS_PER_MESSAGE + 1 + self.count(content)
        return total


@lru_cache(maxsize=256)
def tokenizer_for(model: str | None) -> Tokenizer:
    # OpenRouter names models by vendor ("openai/gpt-4o-mini"); tiktoken knows the bare name.
    vendor, _, name = (model or "").strip().rpartition("/")
    if name and vendor in ("", "openai"):
        try:
            encoding = tiktoken.encoding_name_for_model(name)
        except KeyError:
            encoding = ""
        if encoding in BUNDLED:
            return Tokenizer(encoding, exact=True)
    return Tokenizer(ESTIMATE_ENCODING, exact=False)
