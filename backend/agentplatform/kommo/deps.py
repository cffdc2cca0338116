"""Kommo: the scopes it declares and the tenant context its routes take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from agentplatform.core.domain import Scope
from agentplatform.tenancy.deps import TenantContext, tenant_access

INTEGRATIONS_READ = Scope(
    "integrations:read",
    members=True,
    description="See the workspace's integrations (Kommo, Slack), their syncs and CRM data",
)
INTEGRATIONS_WRITE = Scope(
    "integrations:write",
    description="Connect, configure and sync the workspace's integrations",
)

IntegrationsRead = Annotated[TenantContext, Depends(tenant_access(INTEGRATIONS_READ))]
IntegrationsWrite = Annotated[TenantContext, Depends(tenant_access(INTEGRATIONS_WRITE))]
