"""The knowledge base: the scopes it declares and the tenant context its routes take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from agentplatform.core.domain import Scope
from agentplatform.tenancy.deps import TenantContext, tenant_access

KNOWLEDGE_READ = Scope(
    "knowledge:read", members=True, description="Read and search the knowledge base"
)
KNOWLEDGE_WRITE = Scope("knowledge:write", description="Upload, change and delete knowledge")

KnowledgeRead = Annotated[TenantContext, Depends(tenant_access(KNOWLEDGE_READ))]
KnowledgeWrite = Annotated[TenantContext, Depends(tenant_access(KNOWLEDGE_WRITE))]
