"""Kommo's Chats API (amojo) signatures, both directions.

Requests to `https://amojo.kommo.com/v2/origin/custom/...` carry `Date` (RFC 2822, valid 15
minutes), `Content-Type: application/json`, `Content-MD5` (lowercase hex MD5 of the exact body
bytes) and `X-Signature`: lowercase hex HMAC-SHA1 with the channel secret over
`METHOD\\nContent-MD5\\nContent-Type\\nDate\\npath` (path without host and query). Send the bytes
that were hashed, never a re-serialisation.

Deliveries to the channel's `webhook_url` carry `X-Signature` = HMAC-SHA1(secret, raw body).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from email.utils import format_datetime

CONTENT_TYPE = "application/json"


def content_md5(body: bytes) -> str:
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def request_signature(
    secret: str, *, method: str, md5: str, content_type: str, date: str, path: str
) -> str:
    message = "\n".join([method.upper(), md5, content_type, date, path])
    return hmac.new(secret.encode(), message.encode(), hashlib.sha1).hexdigest()


def signed_headers(
    secret: str, method: str, path: str, body: bytes, *, now: datetime | None = None
) -> dict[str, str]:
    """The headers for one Chats API request whose body is exactly `body`."""
    date = format_datetime(now or datetime.now(UTC))
    md5 = content_md5(body)
    return {
        "Date": date,
        "Content-Type": CONTENT_TYPE,
        "Content-MD5": md5,
        "X-Signature": request_signature(
            secret, method=method, md5=md5, content_type=CONTENT_TYPE, date=date, path=path
        ),
    }


def webhook_signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def verify_webhook(secret: str, body: bytes, signature: str) -> bool:
    """Whether a Chats API delivery's `X-Signature` matches its raw body (constant time)."""
    return hmac.compare_digest(webhook_signature(secret, body), signature.strip().lower())
