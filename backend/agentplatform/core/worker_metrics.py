"""Prometheus metrics for the arq worker: jobs by function and outcome, durations, queue depth.

arq's job hooks receive only the job's id and try number, so the function name is read from the
job's definition when it starts, and the outcome from what arq recorded in Redis when it ends:
the stored result says success or failure; no result while the job is still queued means a retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

from arq import ArqRedis
from arq.constants import default_queue_name, job_key_prefix, result_key_prefix
from arq.jobs import SerializationError, deserialize_job_raw, deserialize_result
from prometheus_client import Counter, Gauge, Histogram, start_http_server

from agentplatform.core.metrics import metrics_registry

logger = logging.getLogger(__name__)

JobOutcome = Literal["succeeded", "failed", "retry", "unknown"]
UNKNOWN_FUNCTION = "<unknown>"

JOBS_STARTED = Counter("jobs_started_total", "Job runs started, by function.", ["function"])
JOBS_SUCCEEDED = Counter("jobs_succeeded_total", "Job runs that succeeded.", ["function"])
JOBS_FAILED = Counter(
    "jobs_failed_total", "Jobs that failed for good (an error, or retries exhausted).", ["function"]
)
JOBS_RETRIED = Counter("jobs_retried_total", "Job runs that will be run again.", ["function"])
JOB_DURATION = Histogram(
    "job_duration_seconds",
    "Time a job run took, whatever its outcome, by function.",
    ["function"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800),
)
QUEUE_DEPTH = Gauge(
    "queue_depth",
    "Jobs in an arq queue: waiting, deferred or running.",
    ["queue"],
    multiprocess_mode="mostrecent",
)


async def job_function_name(redis: ArqRedis, job_id: str) -> str:
    """The function a queued job will run, from its stored definition."""
    raw = await redis.get(job_key_prefix + job_id)
    if raw is None:
        return UNKNOWN_FUNCTION
    try:
        function, *_ = deserialize_job_raw(raw)
    except SerializationError:
        return UNKNOWN_FUNCTION
    return function


async def job_outcome(redis: ArqRedis, job_id: str) -> JobOutcome:
    """What arq decided for a run that has just finished (call it after the result is stored)."""
    async with redis.pipeline(transaction=False) as pipe:
        pipe.get(result_key_prefix + job_id)
        pipe.exists(job_key_prefix + job_id)
        raw_result, job_exists = await pipe.execute()
    if raw_result is not None:
        try:
            return "succeeded" if deserialize_result(raw_result).success else "failed"
        except SerializationError:
            return "failed"
    if job_exists:
        return "retry"  # not finished: arq put it back on the queue
    return "unknown"  # finished with `keep_result=0`, so nothing tells how


def record_outcome(function: str, outcome: JobOutcome) -> None:
    counter = {
        "succeeded": JOBS_SUCCEEDED,
        "failed": JOBS_FAILED,
        "retry": JOBS_RETRIED,
    }.get(outcome)
    if counter is not None:
        counter.labels(function).inc()


async def record_queue_depth(redis: ArqRedis, queue: str = default_queue_name) -> int:
    depth = int(await redis.zcard(queue))
    QUEUE_DEPTH.labels(queue).set(depth)
    return depth


def serve_metrics(port: int, addr: str = "127.0.0.1") -> Callable[[], None] | None:
    """Serve `/metrics` from a background thread; returns the function that stops it (None: off)."""
    if not port:
        return None
    server, thread = start_http_server(port, addr=addr, registry=metrics_registry())
    logger.info("worker metrics listening", extra={"addr": addr, "port": port})

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop
