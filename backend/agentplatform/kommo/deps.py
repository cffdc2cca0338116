"""Kommo: the scopes it declares and the tenant context its routes take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from agentplatform.core.domain import Scope
from agentplatform.tenancy.deps import TenantContext, tenant_access

INTEGRATIONS_READ = Scope(
    "integrations:read",
    description="See the Kommo connection and the webhook events it received",
)

IntegrationsRead = Annotated[TenantContext, Depends(tenant_access(INTEGRATIONS_READ))]
