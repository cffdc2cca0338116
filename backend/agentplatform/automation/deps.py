"""Automation: the scopes it declares and the tenant context its routes take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from agentplatform.core.domain import Scope
from agentplatform.tenancy.deps import TenantContext, tenant_access

AUTOMATION_READ = Scope(
    "automation:read", members=True, description="Read rules, sequences, enrolments and runs"
)
AUTOMATION_WRITE = Scope(
    "automation:write",
    description="Create and change rules and sequences, manage enrolments, simulate",
)

AutomationRead = Annotated[TenantContext, Depends(tenant_access(AUTOMATION_READ))]
AutomationWrite = Annotated[TenantContext, Depends(tenant_access(AUTOMATION_WRITE))]
