"""The parsing zygote: a process that imports the parsers once and forks a child per file.

Run by `sandbox` as `python -m agentplatform.knowledge.documents.parsing.zygote`, it reads
requests (`request id, bytes, type, max bytes, limits`, pickled, framed as
`multiprocessing.connection` messages) on stdin and writes one reply per request on stdout. It is
single-threaded, so forking from it is safe, and a fork costs milliseconds where a new
interpreter would spend a second importing pypdf, python-docx and lxml.

Each child lowers its own limits (address space, processor time) before it reads a byte of the
file, parses, and sends its pickled outcome through a pipe of its own; the zygote relays it, or
says how the child ended: killed at the wall-time limit, dead by a signal (`SIGXCPU` at the
processor limit), or with more output than allowed. When stdin closes (the worker is gone) the
zygote kills its children and exits.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import resource
import signal
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from agentplatform.knowledge.documents.parsing import DocumentType, ParseError, parse
from agentplatform.knowledge.documents.parsing.types import ParseLimits

_PR_SET_PDEATHSIG = 1


@dataclass
class _Running:
    request_id: int
    pid: int
    deadline: float
    output_bytes: int


def _die_with_the_zygote() -> None:
    """Linux: the kernel kills the child if the zygote dies first (no parse outlives it)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _child(out: int, data: bytes, doc_type: str, max_bytes: int, limits: ParseLimits) -> None:
    _die_with_the_zygote()
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    outcome: tuple[Any, ...]
    try:
        outcome = ("ok", parse(data, DocumentType(doc_type), max_bytes=max_bytes))
    except ParseError as exc:
        outcome = ("refused", exc.message, exc.code)
    except MemoryError:
        outcome = ("memory",)
    except Exception as exc:  # a parser's own bug on this input: said, not raised
        outcome = ("crashed", type(exc).__name__)
    del data
    try:
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("memory",))
    if len(payload) > limits.output_bytes:
        payload = pickle.dumps(("output", len(payload)))
    Connection(out, readable=False).send_bytes(payload)


def _fork(request: bytes) -> tuple[Connection, _Running]:
    request_id, data, doc_type, max_bytes, limits = pickle.loads(request)  # noqa: S301 - our parent
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: parse, answer, and leave without running any cleanup of ours
        code = 1
        try:
            os.close(read)
            _child(write, data, doc_type, max_bytes, limits)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    deadline = time.monotonic() + limits.wall_seconds
    return Connection(read, writable=False), _Running(
        request_id, pid, deadline, limits.output_bytes
    )


def _finish(conn: Connection, running: _Running) -> tuple[Any, ...]:
    """The child's answer, or how it ended; the child is reaped either way."""
    try:
        outcome: tuple[Any, ...] = ("done", conn.recv_bytes(maxlength=running.output_bytes + 1024))
    except EOFError:
        outcome = ("died",)
    except OSError:  # a message longer than the output limit
        os.kill(running.pid, signal.SIGKILL)
        outcome = ("output",)
    conn.close()
    _, status = os.waitpid(running.pid, 0)
    if outcome[0] == "died":
        outcome = ("died", os.waitstatus_to_exitcode(status))
    return outcome


def serve(requests: Connection, replies: Connection) -> None:
    children: dict[Connection, _Running] = {}
    while True:
        deadlines = [running.deadline for running in children.values()]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        for ready in wait([requests, *children], timeout):
            if ready is requests:
                try:
                    request = requests.recv_bytes()
                except EOFError:  # the worker is gone
                    for running in children.values():
                        os.kill(running.pid, signal.SIGKILL)
                    return
                conn, running = _fork(request)
                children[conn] = running
                continue
            assert isinstance(ready, Connection)
            running = children.pop(ready)
            replies.send_bytes(pickle.dumps((running.request_id, _finish(ready, running))))
        now = time.monotonic()
        for conn, running in list(children.items()):
            if running.deadline <= now:
                os.kill(running.pid, signal.SIGKILL)
                os.waitpid(running.pid, 0)
                conn.close()
                del children[conn]
                replies.send_bytes(pickle.dumps((running.request_id, ("timeout",))))


def main() -> None:
    # The protocol owns the original stdin and stdout; anything a library prints goes to stderr.
    requests = Connection(os.dup(0), writable=False)
    replies = Connection(os.dup(1), readable=False)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the worker, which closes stdin
    serve(requests, replies)


if __name__ == "__main__":
    main()
