"""What a principal may do inside a tenant: scopes, and the scopes each role grants."""

from __future__ import annotations

import enum

from agentplatform.tenancy.models import Role


class Scope(enum.StrEnum):
    workspace_read = "workspace:read"
    workspace_write = "workspace:write"
    members_read = "members:read"
    members_write = "members:write"
    api_keys_read = "api_keys:read"
    api_keys_write = "api_keys:write"
    agents_read = "agents:read"
    agents_write = "agents:write"
    ai_read = "ai:read"
    ai_write = "ai:write"
    knowledge_read = "knowledge:read"
    knowledge_write = "knowledge:write"


ALL_SCOPES = frozenset(Scope)
READ_SCOPES = frozenset(s for s in Scope if s.value.endswith(":read"))

ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.owner: ALL_SCOPES,
    Role.admin: ALL_SCOPES,
    Role.member: READ_SCOPES,
}

# An API key can never mint keys, change who belongs to the workspace, or change where the
# workspace's prompts are sent (AI providers and their keys).
API_KEY_GRANTABLE = ALL_SCOPES - {Scope.api_keys_write, Scope.members_write, Scope.ai_write}
