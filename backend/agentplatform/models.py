"""Every domain's ORM models, so that Alembic and the schema test see the whole metadata."""

from agentplatform.core.db import Base
from agentplatform.domains import DOMAINS

MODEL_MODULES = tuple(module for domain in DOMAINS for module in domain.models)

__all__ = ["MODEL_MODULES", "Base"]
