"""What a principal may do inside a tenant: the scopes every domain declares, and the scopes each
role holds. Domains declare theirs on their `Domain`; `agentplatform.domains` registers them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import AfterValidator, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from agentplatform.core.domain import Scope
from agentplatform.tenancy.models import Role

WORKSPACE_READ = Scope(
    "workspace:read", members=True, description="Read workspace settings and feature flags"
)
WORKSPACE_WRITE = Scope(
    "workspace:write", description="Change workspace settings and feature flags"
)
MEMBERS_READ = Scope("members:read", members=True, description="List members and invitations")
# An API key can never change who belongs to the workspace or mint keys.
MEMBERS_WRITE = Scope(
    "members:write", api_keys=False, description="Invite, remove and re-role members"
)
API_KEYS_READ = Scope("api_keys:read", members=True, description="List API keys")
API_KEYS_WRITE = Scope("api_keys:write", api_keys=False, description="Create and revoke API keys")
TENANCY_SCOPES = (
    WORKSPACE_READ,
    WORKSPACE_WRITE,
    MEMBERS_READ,
    MEMBERS_WRITE,
    API_KEYS_READ,
    API_KEYS_WRITE,
)

_known: dict[str, Scope] = {}
_role_scopes: dict[Role, frozenset[str]] = {}
_grantable: frozenset[str] = frozenset()


def register(scopes: Iterable[Scope]) -> None:
    """Adds scopes to the known ones (the same name twice must mean the same scope)."""
    global _grantable
    for scope in scopes:
        if _known.setdefault(scope.name, scope) != scope:
            raise ValueError(f"scope {scope.name} is declared twice, differently")
    every = frozenset(_known)
    _role_scopes[Role.owner] = _role_scopes[Role.admin] = every
    _role_scopes[Role.member] = frozenset(s.name for s in _known.values() if s.members)
    _grantable = frozenset(s.name for s in _known.values() if s.api_keys)


def known() -> Mapping[str, Scope]:
    return MappingProxyType(_known)


def role_scopes(role: Role) -> frozenset[str]:
    return _role_scopes.get(role, frozenset())


def api_key_grantable() -> frozenset[str]:
    return _grantable


def _check_known(name: str) -> str:
    if name not in _known:
        raise ValueError(f"unknown scope; expected one of: {', '.join(_known)}")
    return name


class _KnownScopesSchema:
    """Lists the known scopes as the JSON schema's enum when the schema is made (by then every
    domain has registered its scopes)."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema: dict[str, Any] = handler(core_schema)
        schema["enum"] = list(_known)
        return schema


ScopeName = Annotated[str, AfterValidator(_check_known), _KnownScopesSchema()]

register(TENANCY_SCOPES)
