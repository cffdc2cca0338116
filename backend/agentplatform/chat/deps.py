"""Chat: the scopes it declares and the tenant context its routes take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from agentplatform.core.domain import Scope
from agentplatform.tenancy.deps import TenantContext, tenant_access

CHAT_WRITE = Scope(
    "chat:write", members=True, description="Talk to agents, answer and resume conversations"
)
CONVERSATIONS_READ = Scope(
    "conversations:read",
    members=True,
    description="Read conversations, contacts and their memories",
)
CONTACTS_WRITE = Scope(
    "contacts:write", description="Correct and forget contacts and their memories"
)

ChatWrite = Annotated[TenantContext, Depends(tenant_access(CHAT_WRITE))]
ConversationsRead = Annotated[TenantContext, Depends(tenant_access(CONVERSATIONS_READ))]
ContactsWrite = Annotated[TenantContext, Depends(tenant_access(CONTACTS_WRITE))]
