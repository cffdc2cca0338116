"""The problems the knowledge base's routes declare (shared by its sub-packages' routers)."""

from __future__ import annotations

from agentplatform.ai.provider_errors import PROVIDER_ERRORS
from agentplatform.ai.usage import TokenBudgetExceeded
from agentplatform.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    problem_responses,
)
from agentplatform.knowledge.index.embedding import EmbeddingUnavailable

READ_ERRORS = problem_responses(Unauthorized, Forbidden, NotFound, RateLimited)


WRITE_ERRORS = problem_responses(
    Unauthorized, Forbidden, NotFound, Conflict, ValidationFailed, PayloadTooLarge, RateLimited
)


# Search and chunk edits embed text with the index's model, which may be a provider's.
EMBEDDING_ERRORS = (EmbeddingUnavailable, TokenBudgetExceeded, *PROVIDER_ERRORS)
