"""The Kommo API client: `KommoClient` (see `api`), its errors, token providers and limiter."""

from agentplatform.kommo.client.api import Entity, KommoClient
from agentplatform.kommo.client.errors import (
    KommoBadRequest,
    KommoError,
    KommoFieldError,
    KommoForbidden,
    KommoGrantRevoked,
    KommoIPBlocked,
    KommoNotFound,
    KommoPaymentRequired,
    KommoProtocolError,
    KommoRateLimited,
    KommoUnauthorized,
    KommoUnavailable,
    KommoValidationError,
)
from agentplatform.kommo.client.http import PAGE_LIMIT, WRITE_BATCH
from agentplatform.kommo.client.ratelimit import KommoRateLimiter
from agentplatform.kommo.client.tokens import AccessTokenProvider, StaticTokenProvider

__all__ = [
    "PAGE_LIMIT",
    "WRITE_BATCH",
    "AccessTokenProvider",
    "Entity",
    "KommoBadRequest",
    "KommoClient",
    "KommoError",
    "KommoFieldError",
    "KommoForbidden",
    "KommoGrantRevoked",
    "KommoIPBlocked",
    "KommoNotFound",
    "KommoPaymentRequired",
    "KommoProtocolError",
    "KommoRateLimited",
    "KommoRateLimiter",
    "KommoUnauthorized",
    "KommoUnavailable",
    "KommoValidationError",
    "StaticTokenProvider",
]
