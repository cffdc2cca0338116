"""Parsing untrusted files in child processes with hard limits.

Every file is parsed in a process of its own, forked by the parsing zygote (`zygote`: one per
worker process, started on first use, with the parsers already imported). The child lowers its
own limits before it reads a byte: address space and processor time; the zygote kills it at the
wall-time limit and relays at most `output_bytes` of result. Whatever a file does to its parser
(a zip bomb, a pathological PDF, a crash in C code), the worker loses at most that child, and the
document fails with a sentence saying which limit it reached. The memory a parse used goes back
to the system with the child.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import itertools
import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

from agentplatform.core.settings import Settings
from agentplatform.knowledge.documents.parsing.types import (
    DocumentType,
    ParsedDocument,
    ParseError,
    ParseLimits,
    megabytes,
)

logger = logging.getLogger(__name__)

_ZYGOTE = "agentplatform.knowledge.documents.parsing.zygote"


class ParserUnavailable(RuntimeError):
    """The parsing zygote stopped: a passing failure, worth trying the document again."""


def limits_of(settings: Settings) -> ParseLimits:
    return ParseLimits(
        memory_bytes=settings.parse_memory_mb * 1024 * 1024,
        cpu_seconds=settings.parse_cpu_seconds,
        wall_seconds=settings.parse_wall_seconds,
        output_bytes=settings.parse_max_output_mb * 1024 * 1024,
    )


_Reply = concurrent.futures.Future[tuple[Any, ...]]


class _Zygote:
    """The zygote process and the requests waiting for its replies (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._process: subprocess.Popen[bytes] | None = None
        self._requests: Connection | None = None
        # Request id -> the zygote it was sent to, and who waits for the reply.
        self._pending: dict[int, tuple[subprocess.Popen[bytes], _Reply]] = {}

    def _start(self) -> Connection:
        if self._process is not None and self._process.poll() is None and self._requests:
            return self._requests
        process = subprocess.Popen(  # noqa: S603 - our own module, with our own interpreter
            [sys.executable, "-m", _ZYGOTE], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert process.stdin is not None
        assert process.stdout is not None
        self._requests = Connection(os.dup(process.stdin.fileno()), readable=False)
        replies = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        self._process = process
        threading.Thread(
            target=self._read, args=(process, replies), name="parse-zygote", daemon=True
        ).start()
        return self._requests

    def _read(self, process: subprocess.Popen[bytes], replies: Connection) -> None:
        while True:
            try:
                request_id, outcome = pickle.loads(replies.recv_bytes())  # noqa: S301
            except (EOFError, OSError):
                break
            with self._lock:
                waiting = self._pending.pop(request_id, None)
            if waiting is not None:
                waiting[1].set_result(outcome)
        replies.close()
        process.wait()
        with self._lock:
            if self._process is process:
                self._process = self._requests = None
            ours = [rid for rid, (sent_to, _) in self._pending.items() if sent_to is process]
            orphans = [self._pending.pop(rid)[1] for rid in ours]
        logger.warning("the parsing zygote stopped (exit code %s)", process.returncode)
        for future in orphans:
            future.set_exception(ParserUnavailable("The parser process stopped; trying again"))

    def submit(
        self, data: bytes, doc_type: DocumentType, max_bytes: int, limits: ParseLimits
    ) -> _Reply:
        future: _Reply = concurrent.futures.Future()
        with self._lock:
            request_id = next(self._ids)
            payload = pickle.dumps(
                (request_id, data, doc_type.value, max_bytes, limits),
                protocol=pickle.HIGHEST_PROTOCOL,
            )
            for last_try in (False, True):
                requests = self._start()
                assert self._process is not None
                self._pending[request_id] = (self._process, future)
                try:
                    requests.send_bytes(payload)
                    break
                except OSError as exc:
                    # The zygote died before it had the whole request (its death may not be
                    # noticed yet): nothing was parsed, so a fresh zygote may take it, once.
                    self._forget_dead()
                    if last_try:
                        self._pending.pop(request_id, None)
                        raise ParserUnavailable("The parser process stopped; trying again") from exc
        return future

    def _forget_dead(self) -> None:
        if self._process is not None:
            with contextlib.suppress(OSError):
                self._process.kill()
        self._process = self._requests = None


_zygote = _Zygote()


def _memory_error(limits: ParseLimits) -> ParseError:
    return ParseError(
        f"Reading the file needed more than {megabytes(limits.memory_bytes)} of memory, the "
        "limit for one file; it may be damaged or built to exhaust the reader.",
        code="memory-limit",
    )


def _output_error(size: int, limits: ParseLimits) -> ParseError:
    return ParseError(
        f"The text read from the file is more than {megabytes(size)}, over the "
        f"{megabytes(limits.output_bytes)} allowed for one file; split it into smaller files.",
        code="output-limit",
    )


def _died(exitcode: int, limits: ParseLimits) -> ParseError:
    if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):  # the soft, then the hard, CPU limit
        return ParseError(
            f"Reading the file took more than {limits.cpu_seconds} s of processor time, the "
            "limit for one file; it may be damaged or built to exhaust the reader.",
            code="cpu-limit",
        )
    if exitcode in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
        # Out of address space, C code (lxml, zlib, pypdf's helpers) crashes rather than raising.
        return _memory_error(limits)
    return ParseError(
        f"The file could not be read: the reader stopped (exit code {exitcode}).", code="corrupt"
    )


def _result(relayed: tuple[Any, ...], limits: ParseLimits) -> ParsedDocument:
    kind = relayed[0]
    if kind == "timeout":
        raise ParseError(
            f"Reading the file took more than {limits.wall_seconds:g} s, the limit for one "
            "file; it may be damaged or built to exhaust the reader.",
            code="time-limit",
        )
    if kind == "output":
        raise _output_error(limits.output_bytes, limits)
    if kind == "died":
        raise _died(relayed[1], limits)
    outcome = pickle.loads(relayed[1])  # noqa: S301 - our own child's answer, through our pipe
    if outcome[0] == "ok":
        document: ParsedDocument = outcome[1]
        return document
    if outcome[0] == "refused":
        raise ParseError(outcome[1], code=outcome[2])
    if outcome[0] == "memory":
        raise _memory_error(limits)
    if outcome[0] == "output":
        raise _output_error(outcome[1], limits)
    raise ParseError(
        f"The file could not be read: the reader failed on it ({outcome[1]}).", code="corrupt"
    )


async def parse_isolated(
    data: bytes, doc_type: DocumentType, *, max_bytes: int, limits: ParseLimits
) -> ParsedDocument:
    """`parse` in a child process with `limits`. Raises `ParseError` (a limit reached included),
    or `ParserUnavailable` if the zygote itself stopped."""
    future = await asyncio.to_thread(_zygote.submit, data, doc_type, max_bytes, limits)
    return _result(await asyncio.wrap_future(future), limits)
