"""The knowledge base: the scopes it declares and the tenant context its routes take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from agentplatform.core.domain import Scope
from agentplatform.tenancy.deps import TenantContext, tenant_access

KNOWLEDGE_READ = Scope("knowledge:read", members=True)
KNOWLEDGE_WRITE = Scope("knowledge:write")

KnowledgeRead = Annotated[TenantContext, Depends(tenant_access(KNOWLEDGE_READ))]
KnowledgeWrite = Annotated[TenantContext, Depends(tenant_access(KNOWLEDGE_WRITE))]
