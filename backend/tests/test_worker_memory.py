"""The worker hands the memory a job freed back to the system after each job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from agentplatform.core.settings import Settings
from arq import ArqRedis

from tests.worker_support import run_burst
from worker.memory import _malloc_trim

# In a fresh interpreter: 200 MB in blocks too large for Python's own allocator (so glibc's
# malloc serves them), all freed but for one block allocated after them, which keeps the heap's
# top where it was; the RSS (MB) while they live, once freed, and after `release_free_memory`.
_FREED_BELOW_A_LIVE_BLOCK = """
from worker.memory import release_free_memory

def rss():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS:"))

blocks = [bytes(1024) + str(i).encode() for i in range(200_000)]
pin = bytes(1024) + b"pin"
held = rss()
del blocks
freed = rss()
assert release_free_memory()
print(held, freed, rss())
"""


@pytest.mark.skipif(
    _malloc_trim() is None or not Path("/proc/self/status").exists(), reason="glibc on Linux"
)
def test_free_memory_below_a_live_block_goes_back_to_the_system() -> None:
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", _FREED_BELOW_A_LIVE_BLOCK],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    held, freed, released = (int(mb) for mb in out.split())
    assert freed - released > 150, (held, freed, released)  # given back by the call ...
    assert held - freed < 50, (held, freed, released)  # ... and not by free() alone


async def test_the_worker_releases_memory_after_each_job(
    settings: Settings, redis: ArqRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[None] = []
    monkeypatch.setattr("worker.main.release_free_memory", lambda: bool(calls.append(None)))
    for _ in range(2):
        assert await redis.enqueue_job("ping") is not None

    await run_burst(settings)

    assert len(calls) >= 2  # (a cron job due meanwhile is a job too)
