"""Agents: their configuration, revisions and the reply preview."""

from agentplatform.agents import models, profile  # noqa: F401 - profile's flush listener
from agentplatform.agents.deps import AGENTS_READ, AGENTS_WRITE
from agentplatform.agents.router import router
from agentplatform.core.domain import Domain

DOMAIN = Domain(
    name="agents", routers=(router,), models=(models,), scopes=(AGENTS_READ, AGENTS_WRITE)
)
