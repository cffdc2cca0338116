"""What an agent turn costs outside the model: `POST .../agents/{id}/chat` against the same model
called directly, in one run.

The model is `bench.instant_llm`, an OpenAI-compatible server in its own process that answers at
once (JSON or streamed chunks) and times its own side of every request. The API is the real
`agentplatform api` process (as `bench.api_overhead` runs it: INFO logs, JSON, to a file), its
workspace given an AI provider of kind `compatible` at that server, an agent on it with
`knowledge_search` and `memory_lookup`, a few documents indexed with the local model (the index's
default), and, seeded by SQL (`INSERT ... SELECT generate_series`, the vectors by binary COPY),
1,000 contacts with 10 conversations of two messages each (10,000 conversations) and 100
memories each (100,000, random unit vectors of 384 dimensions).

Rows, measured by one sequential client (httpx, keep-alive; one request at a time, so each
latency is a turn's alone), the scenarios interleaved turn by turn so that a noisy neighbour
slows them all alike:
- the baseline: the same server called directly with the `openai` SDK, non-streamed (latency)
  and streamed (time to the first content delta);
- our turn, non-streamed (latency) and streamed (time to the first `token` event), each without
  a contact and with one of the seeded contacts (their 100 memories recalled);
- overhead: a turn's latency minus the model server's own time for that turn's request (the
  records of `bench.instant_llm`, paired in order); and the extra time to first token over the
  direct SDK stream, percentile by percentile.
Then a throughput row: wrk (Lua script POSTing the turn's body) for `seconds` with `connections`
connections, non-streamed turns with the contact. With `profile`, py-spy samples the API process
during that loaded run and the share of samples under each part of a turn is printed.

Targets (issue #11): overhead p95 <= 50 ms, extra time to first token p95 <= 30 ms. The results go
to `bench/results/chat-last.json`, which each run overwrites (committed, like retrieval's).
Uses DATABASE_URL / REDIS_URL when set, else embedded servers in a temporary directory.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import openai
from agentplatform.core.embedded import start_postgres, start_redis
from agentplatform.core.migrations import upgrade_head
from agentplatform.core.settings import Settings

from bench.api_overhead import (
    WrkLoad,
    _free_port,
    _serve,
    _stop,
    _wait_until_up,
    _wrk,
    api_environment,
    create_bench_admin,
)
from bench.chat_setup import (
    CONTACTS,
    CONVERSATIONS_PER_CONTACT,
    INSTRUCTIONS,
    MEMORIES_PER_CONTACT,
    index_documents,
    prepare_workspace,
    seed_conversations,
)
from bench.instant_llm import MODEL

HERE = Path(__file__).resolve().parent
RESULTS_PATH = HERE / "results" / "chat-last.json"
WARMUP_TURNS = 10
TARGET_OVERHEAD_P95_MS = 50.0
TARGET_EXTRA_TTFT_P95_MS = 30.0
QUESTION = "How much does the Bracket X cost, and can I return it?"
# Where a turn's time goes: the share of the loaded run's samples under these frames.
PROFILE_PARTS: tuple[tuple[str, str], ...] = (
    ("whole turn (chat route)", "chat (agentplatform/chat/router.py"),
    ("prepare_turn", "prepare_turn (agentplatform/chat/turns.py"),
    ("  load_profile", "load_profile (agentplatform/agents/profile.py"),
    ("  knowledge_context", "knowledge_context (agentplatform/knowledge/context.py"),
    ("    search embedding", "embed_and_record (agentplatform/knowledge/index/embedding.py"),
    ("  memory recall", "recall (agentplatform/chat/memory/service.py"),
    ("  assemble (context)", "assemble (agentplatform/chat/context.py"),
    ("generation (model call)", "generate (agentplatform/chat/generation.py"),
    ("finish_turn", "finish_turn (agentplatform/chat/turns.py"),
    ("local embedder (thread)", "embed (agentplatform/ai/local_embedder.py"),
    ("  of which ONNX run", "Session.run (onnxruntime/"),
    ("SQLAlchemy + asyncpg", "sqlalchemy/"),
    ("pgvector parsing vectors", "pgvector/vector.py"),
    ("tiktoken (token counts)", "tiktoken/"),
    ("openai SDK + httpx", "openai/"),
    ("pydantic", "pydantic"),
    ("logging", "logging/"),
    ("uvicorn + starlette", "starlette/"),
)

IDLE_FRAMES = ("_worker (concurrent/futures/thread.py", "Runner.run (asyncio/runners.py")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


@dataclass
class Series:
    name: str
    ms: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return _pct(self.ms, 0.5)

    @property
    def p95(self) -> float:
        return _pct(self.ms, 0.95)

    def row(self, note: str = "") -> str:
        return f"| {self.name:<44} | {self.p50:>7.1f} | {self.p95:>7.1f} | {note:<36} |"

    def as_json(self) -> dict[str, Any]:
        return {"p50_ms": round(self.p50, 2), "p95_ms": round(self.p95, 2), "n": len(self.ms)}


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class Measured:
    series: dict[str, Series]
    overhead: dict[str, Series]
    server_ms: dict[str, Series]
    phases: dict[str, dict[str, Series]]  # scenario -> phase of message.latency -> ms


PHASES = ("retrieval_ms", "context_ms", "generation_ms", "total_ms")


async def _our_turn(
    http: httpx.AsyncClient, url: str, body: dict[str, Any], phases: dict[str, list[float]]
) -> float:
    """Latency (non-streamed) or time to the first `token` event (streamed), in ms; a
    non-streamed reply's own latency record (`message.latency`) is added to `phases`."""
    started = time.perf_counter()
    if not body["stream"]:
        response = await http.post(url, json=body)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"turn failed: {response.status_code} {response.text[:500]}")
        latency = response.json()["message"]["latency"] or {}
        for phase in PHASES:
            phases.setdefault(phase, []).append(float(latency.get(phase, 0)))
        return elapsed
    first = 0.0
    async with http.stream("POST", url, json=body) as response:
        if response.status_code != 200:
            raise RuntimeError(f"turn failed: {response.status_code} {await response.aread()!r}")
        async for line in response.aiter_lines():
            if not first and line == "event: token":
                first = (time.perf_counter() - started) * 1000
            if line.startswith("event: error"):
                raise RuntimeError("a streamed turn ended with an error event")
    if not first:
        raise RuntimeError("a streamed turn sent no token")
    return first


async def _direct(client: openai.AsyncOpenAI, stream: bool) -> float:
    messages: Any = [
        {"role": "system", "content": INSTRUCTIONS},
        {"role": "user", "content": QUESTION},
    ]
    started = time.perf_counter()
    if not stream:
        completion = await client.chat.completions.create(model=MODEL, messages=messages)
        assert completion.choices[0].message.content
        return (time.perf_counter() - started) * 1000
    first = 0.0
    chunks = await client.chat.completions.create(
        model=MODEL, messages=messages, stream=True, stream_options={"include_usage": True}
    )
    async for chunk in chunks:
        if not first and chunk.choices and chunk.choices[0].delta.content:
            first = (time.perf_counter() - started) * 1000
    return first


async def _sequential(
    base: str, llm_base: str, chat_url: str, key: str, contact: uuid.UUID, turns: int
) -> Measured:
    scenarios: dict[str, dict[str, Any] | bool] = {
        "direct SDK, non-stream: latency (baseline)": False,
        "direct SDK, stream: TTFT (baseline)": True,
        "turn, non-stream, no contact: latency": {"stream": False},
        "turn, non-stream, contact (recall): latency": {"stream": False, "contact": True},
        "turn, stream, no contact: TTFT": {"stream": True},
        "turn, stream, contact (recall): TTFT": {"stream": True, "contact": True},
    }
    series = {name: Series(name) for name in scenarios}
    phases: dict[str, dict[str, list[float]]] = {name: {} for name in scenarios}
    order: list[str] = []
    direct = openai.AsyncOpenAI(base_url=f"{llm_base}/v1", api_key="sk-bench", max_retries=0)
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http,
        httpx.AsyncClient(base_url=llm_base, timeout=10) as llm,
    ):
        for round_ in range(WARMUP_TURNS + turns):
            if round_ == WARMUP_TURNS:
                (await llm.post("/stats/reset")).raise_for_status()
            for name, scenario in scenarios.items():
                if isinstance(scenario, bool):
                    ms = await _direct(direct, scenario)
                else:
                    body: dict[str, Any] = {"message": QUESTION, "stream": scenario["stream"]}
                    if scenario.get("contact"):
                        body["contact"] = {"id": str(contact)}
                    seen: dict[str, list[float]] = {}
                    ms = await _our_turn(http, chat_url, body, seen)
                    if round_ >= WARMUP_TURNS:
                        for phase, values in seen.items():
                            phases[name].setdefault(phase, []).extend(values)
                if round_ >= WARMUP_TURNS:
                    series[name].ms.append(ms)
                    order.append(name)
        records = (await llm.get("/stats")).json()
    await direct.close()
    if len(records) != len(order):
        raise RuntimeError(f"{len(records)} model requests for {len(order)} calls: not one each")
    # Non-streamed: a turn's latency minus the server's whole answer; streamed: the time to the
    # first token minus the server's time to its first chunk.
    overhead = {name: Series(f"overhead, {name.removeprefix('turn, ')}") for name in scenarios}
    server = {name: Series(name) for name in scenarios}
    index = {name: 0 for name in scenarios}
    for name, record in zip(order, records, strict=True):
        own = record["first_ms"] if record["stream"] else record["total_ms"]
        server[name].ms.append(own)
        overhead[name].ms.append(series[name].ms[index[name]] - own)
        index[name] += 1
    turns_only = {n: s for n, s in overhead.items() if n.startswith("turn")}
    by_phase = {
        name: {phase: Series(phase, values) for phase, values in found.items()}
        for name, found in phases.items()
        if found
    }
    return Measured(series, turns_only, server, by_phase)


def _profile_summary(raw: Path) -> list[tuple[str, float]]:
    """Shares of py-spy's busy samples (collapsed stacks) with a frame matching each part; a
    sample whose innermost frame is a thread pool's worker or the event loop waiting is idle."""
    total = 0
    counts: Counter[str] = Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit() or stack.rsplit(";", 1)[-1].startswith(IDLE_FRAMES):
            continue
        total += int(n)
        for label, needle in PROFILE_PARTS:
            if needle in stack:
                counts[label] += int(n)
    return [(label, 100 * counts[label] / max(total, 1)) for label, _ in PROFILE_PARTS]


# --- the run -------------------------------------------------------------------------------------


def run(turns: int, seconds: int, connections: int, profile: Path | None = None) -> None:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("the chat benchmark needs wrk: `sudo apt-get install wrk` (or brew)")
    load = WrkLoad(seconds=seconds, connections=connections, threads=1)
    with tempfile.TemporaryDirectory(prefix="bench-chat-") as tmp:
        data = Path(tmp)
        stops = []
        database_url = os.environ.get("DATABASE_URL")
        redis_url = os.environ.get("REDIS_URL")
        admin_dsn = None
        if not database_url:
            pg = start_postgres(data / "pg")
            database_url, admin_dsn = pg.url(), pg.admin_dsn("agentplatform")
            stops.append(pg.stop)
        if not redis_url:
            redis = start_redis(data, persist=False)
            redis_url = redis.url
            stops.append(redis.stop)
        try:
            result = _measure(wrk, load, data, database_url, admin_dsn, redis_url, turns, profile)
        finally:
            for stop in reversed(stops):
                stop()
    _report(result, load)


def _asyncpg_dsn(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _measure(
    wrk: str,
    load: WrkLoad,
    data: Path,
    database_url: str,
    admin_dsn: str | None,
    redis_url: str,
    turns: int,
    profile: Path | None,
) -> dict[str, Any]:
    upgrade_head(database_url)
    email, password = "bench@example.com", "bench-password-1"
    port, llm_port = _free_port(), _free_port()
    base, llm_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{llm_port}"
    env = api_environment(database_url, redis_url, data, port)
    create_bench_admin(env, email, password)
    scripts = data / "wrk"
    scripts.mkdir()
    llm = _serve(
        [sys.executable, "-m", "bench.instant_llm"],
        {**env, "PORT": str(llm_port)},
        data / "llm.log",
    )
    api = _serve([sys.executable, "-m", "agentplatform.cli", "api"], env, data / "api.log")
    try:
        _wait_until_up(f"{llm_base}/healthz", llm)
        _wait_until_up(f"{base}/healthz", api)
        tenant_id, agent_id, key = prepare_workspace(base, email, password, f"{llm_base}/v1")
        settings = Settings(database_url=database_url, redis_url=redis_url, data_dir=data / "app")
        documents = asyncio.run(index_documents(settings))
        contact, seed_seconds = asyncio.run(
            seed_conversations(
                admin_dsn or _asyncpg_dsn(database_url), uuid.UUID(tenant_id), uuid.UUID(agent_id)
            )
        )
        chat_url = f"/api/v1/tenants/{tenant_id}/agents/{agent_id}/chat"
        measured = asyncio.run(_sequential(base, llm_base, chat_url, key, contact, turns))
        body = json.dumps({"message": QUESTION, "stream": False, "contact": {"id": str(contact)}})
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        spy = None
        if profile is not None:
            spy_bin = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
            spy = subprocess.Popen(  # noqa: S603
                [spy_bin, "record", "--pid", str(api.pid), "--format", "raw", "--rate", "250",
                 "--duration", str(load.warmup + load.seconds), "--output", str(profile)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        loaded = _wrk(
            wrk, "POST chat, contact, wrk", f"{base}{chat_url}", headers, load, scripts, body
        )
        if spy is not None:
            spy.wait(60)
    finally:
        _stop(api)
        _stop(llm)
    return {
        "measured": measured,
        "loaded": loaded,
        "documents": documents,
        "seed_seconds": seed_seconds,
        "turns": turns,
        "profile": _profile_summary(profile) if profile is not None and profile.exists() else None,
    }


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True, text=True, cwd=HERE, check=False,
    )  # fmt: skip
    return done.stdout.strip() or "unknown"


def _report(result: dict[str, Any], load: WrkLoad) -> None:
    measured: Measured = result["measured"]
    series, overhead = measured.series, measured.overhead
    direct, direct_stream = (
        series["direct SDK, non-stream: latency (baseline)"],
        series["direct SDK, stream: TTFT (baseline)"],
    )
    print(
        f"\nChat turn: {result['turns']} sequential turns per row (httpx, one at a time, rows "
        f"interleaved, after {WARMUP_TURNS} warm-up rounds); {CONTACTS * CONVERSATIONS_PER_CONTACT}"
        f" conversations and {CONTACTS * MEMORIES_PER_CONTACT} memories seeded in "
        f"{result['seed_seconds']:.0f} s, {result['documents']} documents indexed; instant "
        f"OpenAI-compatible model in its own process; {os.cpu_count()} CPUs"
    )
    print(f"| {'row':<44} |  p50 ms |  p95 ms | {'note':<36} |")
    print(f"|{'-' * 46}|---------|---------|{'-' * 38}|")
    for name, s in series.items():
        server = measured.server_ms[name]
        print(s.row(f"model server's own p50 {server.p50:.2f} ms"))
    for s in overhead.values():
        print(s.row("minus the model server's own time"))
    extra: dict[str, dict[str, float]] = {}
    for name in ("turn, stream, no contact: TTFT", "turn, stream, contact (recall): TTFT"):
        s = series[name]
        extra[name] = {"p50_ms": s.p50 - direct_stream.p50, "p95_ms": s.p95 - direct_stream.p95}
        label = f"extra TTFT vs direct SDK, {name.removeprefix('turn, stream, ')}"
        print(
            f"| {label:<44} | {extra[name]['p50_ms']:>7.1f} | {extra[name]['p95_ms']:>7.1f} "
            f"| {'ours minus baseline, per percentile':<36} |"
        )
    vs_sdk = {}
    for name in (
        "turn, non-stream, no contact: latency",
        "turn, non-stream, contact (recall): latency",
    ):
        s = series[name]
        vs_sdk[name] = {"p50_ms": s.p50 - direct.p50, "p95_ms": s.p95 - direct.p95}
        label = f"latency vs direct SDK, {name.removeprefix('turn, non-stream, ')}"
        print(
            f"| {label:<44} | {vs_sdk[name]['p50_ms']:>7.1f} | {vs_sdk[name]['p95_ms']:>7.1f} "
            f"| {'ours minus baseline, per percentile':<36} |"
        )
    print(
        "\nInside a non-streamed turn, from the reply's own `message.latency` (ms, p50/p95; "
        "total_ms runs from prepare_turn to finish_turn, without authentication and HTTP):"
    )
    print(f"| {'turn':<28} | " + " | ".join(f"{p:<15}" for p in PHASES) + " |")
    print(f"|{'-' * 30}|" + "|".join("-" * 17 for _ in PHASES) + "|")
    for name, found in measured.phases.items():
        cells = " | ".join(f"{found[p].p50:>6.0f} / {found[p].p95:>6.0f}" for p in PHASES)
        print(
            f"| {name.removeprefix('turn, non-stream, ').removesuffix(': latency'):<28} | {cells} |"
        )
    loaded = result["loaded"]
    print(
        f"\nUnder load: wrk -t{load.threads} -c{load.connections} -d{load.seconds}s (after "
        f"{load.warmup}s warm-up), non-streamed turns with the contact: {loaded.rps:.1f} turns/s, "
        f"p50 {loaded.p50_ms:.1f} ms, p99 {loaded.p99_ms:.1f} ms, "
        f"{loaded.requests - loaded.statuses[200]} non-200, {loaded.socket_errors} socket errors"
    )
    worst_overhead = max(s.p95 for s in overhead.values())
    worst_ttft = max(e["p95_ms"] for e in extra.values())
    met_overhead = worst_overhead <= TARGET_OVERHEAD_P95_MS
    met_ttft = worst_ttft <= TARGET_EXTRA_TTFT_P95_MS
    print(
        f"targets: overhead p95 {worst_overhead:.1f} ms <= {TARGET_OVERHEAD_P95_MS:.0f}: "
        f"{'met' if met_overhead else 'NOT met'}; extra TTFT p95 {worst_ttft:.1f} ms <= "
        f"{TARGET_EXTRA_TTFT_P95_MS:.0f}: {'met' if met_ttft else 'NOT met'}"
    )
    if result["profile"]:
        print(
            "\nWhere the loaded run's time goes (py-spy, share of busy samples with the frame; "
            "the parts overlap, and SQLAlchemy's greenlets do not carry the route's frames, so "
            "database work is under `SQLAlchemy`, not under the part that awaited it):"
        )
        for label, share in result["profile"]:
            print(f"| {label:<28} | {share:>5.1f}% |")
    out = {
        "commit": _git_commit(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "turns_per_row": result["turns"],
        "rows": {name: s.as_json() for name, s in series.items()},
        "model_server_ms": {name: s.as_json() for name, s in measured.server_ms.items()},
        "overhead": {name: s.as_json() for name, s in overhead.items()},
        "message_latency": {
            name: {phase: s.as_json() for phase, s in found.items()}
            for name, found in measured.phases.items()
        },
        "extra_ttft_vs_sdk": {k: {m: round(v, 2) for m, v in e.items()} for k, e in extra.items()},
        "latency_vs_sdk": {k: {m: round(v, 2) for m, v in e.items()} for k, e in vs_sdk.items()},
        "loaded": {
            "connections": load.connections,
            "seconds": load.seconds,
            "turns_per_second": round(loaded.rps, 1),
            "p50_ms": loaded.p50_ms,
            "p99_ms": loaded.p99_ms,
            "non_200": loaded.requests - loaded.statuses[200],
        },
        "targets": {
            "overhead_p95_ms": TARGET_OVERHEAD_P95_MS,
            "extra_ttft_p95_ms": TARGET_EXTRA_TTFT_P95_MS,
            "overhead_met": met_overhead,
            "extra_ttft_met": met_ttft,
        },
        "profile_percent": dict(result["profile"]) if result["profile"] else None,
    }
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(out, indent=1) + "\n")
    print(f"\nWritten to {RESULTS_PATH.relative_to(HERE.parent)}")
    if loaded.requests - loaded.statuses[200] or loaded.socket_errors:
        raise SystemExit("some loaded turns failed: see the row above")
