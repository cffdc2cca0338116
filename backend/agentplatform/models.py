"""Imports every domain's ORM models so that Alembic and the schema test see the whole metadata."""

from agentplatform.agents import models as agents_models
from agentplatform.ai import models as ai_models
from agentplatform.core.db import Base
from agentplatform.knowledge.documents import models as knowledge_documents_models
from agentplatform.knowledge.graph import models as knowledge_graph_models
from agentplatform.knowledge.index import models as knowledge_index_models
from agentplatform.tenancy import models as tenancy_models

__all__ = [
    "Base",
    "agents_models",
    "ai_models",
    "knowledge_documents_models",
    "knowledge_graph_models",
    "knowledge_index_models",
    "tenancy_models",
]
