"""AI: a workspace's providers, defaults and budget, the LLM and embedding clients, usage."""

from agentplatform.ai import models
from agentplatform.ai.deps import AI_READ, AI_WRITE
from agentplatform.ai.router import router
from agentplatform.core.domain import Domain

DOMAIN = Domain(name="ai", routers=(router,), models=(models,), scopes=(AI_READ, AI_WRITE))
