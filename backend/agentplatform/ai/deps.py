"""A workspace's AI: the scopes it declares and the tenant context its routes take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from agentplatform.core.domain import Scope
from agentplatform.tenancy.deps import TenantContext, tenant_access

AI_READ = Scope("ai:read", members=True, description="Read AI providers, settings and usage")
# An API key can never change where the workspace's prompts are sent (providers and their keys).
AI_WRITE = Scope("ai:write", api_keys=False, description="Change AI providers and settings")

AiRead = Annotated[TenantContext, Depends(tenant_access(AI_READ))]
AiWrite = Annotated[TenantContext, Depends(tenant_access(AI_WRITE))]
