"""Worker memory: does the worker give memory back after a large job and after hostile files?

A real worker process (`agentplatform worker`) against an embedded PostgreSQL and Redis in a
temporary directory; documents are added through the service layer (`add_document`, whose job is
sent after commit as a request's would be) and the bench waits until each one is ready or failed.
Sampled from /proc every 0.2 s while a stage runs: the worker's VmRSS and VmHWM (its peak since it
started), and the summed VmRSS of its descendants (the parsing zygote and the child it forks per
file). Stages, in one run: (1) idle once the model is loaded (a tiny document indexed first: the
baseline); (2) a generated 100-page PDF; (3) the probe's files at once: a 2 MB CSV of very wide
rows, a .docx of millions of empty paragraphs, a .docx whose zip entry lies about its size;
(4) 30 s idle. The worker inherits this process's environment, so
`MALLOC_ARENA_MAX=2 python -m bench --only memory` measures with that setting.

What bounded it (issue #10): onnxruntime's CPU arena, grown to the largest batch's tensors and
kept for the session's life (+1 GB after the PDF, ~1.9 GB at most), and glibc keeping what
chunking the wide CSV freed (+200 MB). The embedder now shrinks the arena after each run and the
worker calls `malloc_trim` after each job; what is left (~70 MB after the probe) is per-thread
malloc arenas, gone with MALLOC_ARENA_MAX=2. The parses stay in their children, which exit.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from agentplatform.core.db import create_engine, create_sessionmaker, unit_of_work
from agentplatform.core.embedded import start_postgres, start_redis
from agentplatform.core.migrations import upgrade_head
from agentplatform.core.redis import create_redis
from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.models import Document, DocumentStatus, SourceKind
from agentplatform.knowledge.documents.service import add_document
from agentplatform.knowledge.documents.storage import LocalStorage
from fpdf import FPDF
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.knowledge import WORDS

MB = 1024 * 1024
SAMPLE_SECONDS = 0.2
DONE = (DocumentStatus.ready, DocumentStatus.failed)


# --- /proc ----------------------------------------------------------------------------------------


def _status_kb(pid: int, key: str) -> int:
    """A `VmRSS:`-style line of /proc/<pid>/status in kB (0 once the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return 0


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process (fields after the command name, which may hold `)`)."""
    out: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        out[int(entry)] = int(fields[1])
    return out


def descendants(pid: int) -> list[int]:
    parents = _parents()
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found.extend(children)
        frontier.extend(children)
    return found


@dataclass
class Sample:
    worker_rss: int
    worker_hwm: int
    others_rss: int

    @classmethod
    def of(cls, pid: int) -> Sample:
        return cls(
            worker_rss=_status_kb(pid, "VmRSS"),
            worker_hwm=_status_kb(pid, "VmHWM"),
            others_rss=sum(_status_kb(child, "VmRSS") for child in descendants(pid)),
        )


@dataclass
class Stage:
    name: str
    seconds: float
    last: Sample
    others_peak: int
    outcomes: list[str] = field(default_factory=list)


def _mb(kb: int) -> str:
    return f"{kb / 1024:,.0f} MB"


# --- files ----------------------------------------------------------------------------------------


def pdf_pages(pages: int) -> bytes:
    """`pages` pages of prose (about 3,000 characters each) with a heading per page."""
    rng = np.random.default_rng(3)
    pdf = FPDF()
    pdf.set_auto_page_break(auto=False)
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 10, f"Chapter {page + 1}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for _ in range(5):
            sentence = " ".join(rng.choice(WORDS, size=100)).capitalize() + "."
            pdf.multi_cell(0, 5, sentence, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    return bytes(pdf.output())


def wide_csv(size_bytes: int, columns: int) -> bytes:
    """A CSV of `columns` columns with long values, rows added until it reaches `size_bytes`."""
    header = ",".join(f"Column {c} with a long descriptive name" for c in range(columns))
    lines, total, row = [header], len(header), 0
    while total < size_bytes:
        line = ",".join(f"value {row}-{c} of a wide row" for c in range(columns))
        lines.append(line)
        total += len(line) + 1
        row += 1
    return "\n".join(lines).encode()


# The idea of backend/tests/knowledge/zip_craft.py (the tests' own builders are not a package the
# bench may import).
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_BODY_START = (
    b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    b'wordprocessingml/2006/main"><w:body>'
)
_BODY_END = b"</w:body></w:document>"


def _docx(body: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", _BODY_START + body + _BODY_END)
    return buffer.getvalue()


def empty_paragraphs_docx(paragraphs: int) -> bytes:
    return _docx(b"<w:p/>" * paragraphs)


def lying_docx(real_bytes: int, declared_bytes: int) -> bytes:
    """A .docx whose body holds `real_bytes` but whose zip headers say `declared_bytes`."""
    data = bytearray(_docx(b" " * real_bytes))
    name = b"word/document.xml"
    local = data.index(name) - 30  # the name follows the 30-byte local header
    central = data.index(name, local + 30 + len(name)) - 46  # and the 46-byte central one
    assert data[local : local + 4] == b"PK\x03\x04"
    assert data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, local + 22, declared_bytes)
    struct.pack_into("<I", data, central + 24, declared_bytes)
    return bytes(data)


# --- the run --------------------------------------------------------------------------------------


class Bench:
    def __init__(self, settings: Settings, worker_pid: int) -> None:
        self.settings = settings
        self.pid = worker_pid
        self.engine = create_engine(settings)
        self.maker: async_sessionmaker[AsyncSession] = create_sessionmaker(self.engine)
        self.arq = create_redis(settings.redis_url or "")
        self.storage = LocalStorage(settings.storage_path)
        self.tenant_id = uuid.uuid4()

    async def setup(self) -> None:
        async with unit_of_work(self.maker, None) as session:
            await session.execute(
                text("INSERT INTO tenant (id, name, slug) VALUES (:id, 'Bench', :slug)"),
                {"id": self.tenant_id, "slug": f"bench-{self.tenant_id.hex[:8]}"},
            )

    async def close(self) -> None:
        await self.arq.aclose()
        await self.engine.dispose()

    async def _add(self, filename: str, data: bytes) -> uuid.UUID:
        async with unit_of_work(self.maker, self.arq) as session:
            document = await add_document(
                session,
                self.storage,
                self.tenant_id,
                data=data,
                title=filename,
                filename=filename,
                declared_type=None,
                source_kind=SourceKind.upload,
                max_bytes=self.settings.max_upload_bytes,
            )
            return document.id

    async def _ended(self, ids: list[uuid.UUID]) -> list[Document] | None:
        async with self.maker() as session:
            rows = list((await session.scalars(select(Document).where(Document.id.in_(ids)))).all())
        return rows if all(row.status in DONE for row in rows) else None

    async def stage(
        self, name: str, files: dict[str, bytes], *, idle: float = 2.0, wait: float = 900
    ) -> Stage:
        """Adds `files`, waits until every one has ended, then `idle` seconds; samples all along."""
        started = time.perf_counter()
        ids = [await self._add(filename, data) for filename, data in files.items()]
        others_peak = 0
        ended: list[Document] | None = [] if not ids else None
        idle_until: float | None = None
        while True:
            sample = Sample.of(self.pid)
            if sample.worker_rss == 0:
                raise RuntimeError("the worker process is gone")
            others_peak = max(others_peak, sample.others_rss)
            now = time.perf_counter()
            if ended is None:
                ended = await self._ended(ids)
                if ended is None and now - started > wait:
                    raise TimeoutError(f"{name}: documents still waiting after {wait:.0f} s")
            if ended is not None and idle_until is None:
                idle_until = now + idle
            if idle_until is not None and now >= idle_until:
                break
            await asyncio.sleep(SAMPLE_SECONDS)
        assert ended is not None
        by_id = {row.id: row for row in ended}
        outcomes = []
        for filename, document_id in zip(files, ids, strict=True):
            row = by_id[document_id]
            error = (row.last_error or "")[:80]
            outcomes.append(f"{filename}: {row.status.value}" + (f" ({error})" if error else ""))
        return Stage(name, time.perf_counter() - started, sample, others_peak, outcomes)


async def _stages(settings: Settings, worker_pid: int, pdf: bytes) -> list[Stage]:
    bench = Bench(settings, worker_pid)
    await bench.setup()
    try:
        probe = {
            "wide.csv": wide_csv(2 * MB, columns=200),
            "empty.docx": empty_paragraphs_docx(4_400_000),
            "liar.docx": lying_docx(real_bytes=100 * MB, declared_bytes=1 * MB),
        }
        return [
            await bench.stage(
                "1 idle, model loaded (baseline)",
                {"tiny.md": b"# Tiny\n\nOne short paragraph to load the model.\n"},
            ),
            await bench.stage("2 after a 100-page PDF", {"hundred.pdf": pdf}),
            await bench.stage("3 after the probe's files", probe),
            await bench.stage("4 after 30 s idle", {}, idle=30.0),
        ]
    finally:
        await bench.close()


def _print(stages: list[Stage], pdf_bytes: int) -> None:
    print(
        f"\nWorker memory: one worker process (its own and its descendants' RSS from /proc), "
        f"100-page PDF of {pdf_bytes / 1024:,.0f} KB; MALLOC_ARENA_MAX="
        f"{os.environ.get('MALLOC_ARENA_MAX', 'unset')}"
    )
    print("| stage                           | worker RSS | worker peak | zygote+children RSS "
          "(peak) | seconds | documents |")  # fmt: skip
    print("|---------------------------------|------------|-------------|---------------------"
          "-------|---------|-----------|")  # fmt: skip
    for stage in stages:
        others = f"{_mb(stage.last.others_rss)} ({_mb(stage.others_peak)})"
        print(
            f"| {stage.name:<31} | {_mb(stage.last.worker_rss):>10} | "
            f"{_mb(stage.last.worker_hwm):>11} | {others:>26} | {stage.seconds:>7.1f} | "
            f"{'; '.join(stage.outcomes) or '-'} |"
        )


def run() -> None:
    pdf = pdf_pages(100)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        data = Path(tmp)
        pg = start_postgres(data / "pg")
        redis = start_redis(data, persist=False)
        worker: subprocess.Popen[bytes] | None = None
        try:
            upgrade_head(pg.url())
            settings = Settings(
                database_url=pg.url(),
                redis_url=redis.url,
                data_dir=data,
                storage_dir=data / "storage",
            )
            env = {
                **os.environ,
                "DATABASE_URL": pg.url(),
                "REDIS_URL": redis.url,
                "DATA_DIR": str(data),
                "STORAGE_DIR": str(data / "storage"),
                "WORKER_METRICS_PORT": "0",
                "ENV": "development",
                "LOG_LEVEL": "WARNING",
            }
            worker = subprocess.Popen(
                [sys.executable, "-m", "agentplatform.cli", "worker"],
                env=env,
                stdin=subprocess.DEVNULL,
            )
            stages = asyncio.run(_stages(settings, worker.pid, pdf))
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(20)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
            redis.stop()
            pg.stop()
    _print(stages, len(pdf))
