"""Agents: the scopes it declares and the tenant context its routes take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from agentplatform.core.domain import Scope
from agentplatform.knowledge.deps import KNOWLEDGE_READ
from agentplatform.tenancy.deps import TenantContext, tenant_access

AGENTS_READ = Scope("agents:read", members=True, description="Read agents and their versions")
AGENTS_WRITE = Scope("agents:write", description="Create, change and preview agents")

AgentsRead = Annotated[TenantContext, Depends(tenant_access(AGENTS_READ))]
AgentsWrite = Annotated[TenantContext, Depends(tenant_access(AGENTS_WRITE))]
# Reading the knowledge base as an agent sees it.
AgentsKnowledgeRead = Annotated[TenantContext, Depends(tenant_access(AGENTS_READ, KNOWLEDGE_READ))]
