"""Prometheus metrics of the calls to Kommo; labels are bounded (resource, not path or account)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

KOMMO_REQUESTS = Counter(
    "kommo_requests_total",
    "Requests sent to Kommo's API, by method, resource (`leads`, `account`, ...) and status.",
    ["method", "resource", "status"],
)
KOMMO_RETRIES = Counter(
    "kommo_retries_total",
    "Requests to Kommo sent again after a 429, a 5xx or a timeout, by reason.",
    ["reason"],
)
KOMMO_REQUEST_DURATION = Histogram(
    "kommo_request_duration_seconds",
    "Time one request to Kommo took (without retries or waiting for the rate limit).",
    ["method", "resource"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
KOMMO_RATE_LIMIT_WAIT = Histogram(
    "kommo_rate_limit_wait_seconds",
    "Time a request waited for its slot in the account's rate limit.",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
