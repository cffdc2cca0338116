"""Request and response models of the tenancy domain."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, EmailStr, Field, StringConstraints

from agentplatform.core.schemas import InputModel, OutputModel
from agentplatform.tenancy.models import Role
from agentplatform.tenancy.scopes import ScopeName

_TIMEZONES = frozenset(available_timezones())
_LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _check_timezone(value: str) -> str:
    if value not in _TIMEZONES:
        raise ValueError("unknown IANA time zone, e.g. 'Europe/Madrid' or 'UTC'")
    return value


def _check_locale(value: str) -> str:
    if not _LOCALE.match(value):
        raise ValueError("expected a BCP 47 language tag such as 'en', 'es' or 'pt-BR'")
    return value


Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")]
Timezone = Annotated[str, AfterValidator(_check_timezone)]
Locale = Annotated[str, StringConstraints(max_length=35), AfterValidator(_check_locale)]
Password = Annotated[str, StringConstraints(min_length=8, max_length=256, strip_whitespace=False)]


# --- auth -----------------------------------------------------------------------------------
class LoginRequest(InputModel):
    email: EmailStr
    password: Annotated[
        str, StringConstraints(min_length=1, max_length=256, strip_whitespace=False)
    ]


class UserRead(OutputModel):
    id: uuid.UUID
    email: str
    name: str


class TenantMembershipRead(OutputModel):
    id: uuid.UUID
    name: str
    slug: str
    role: Role | None = Field(description="The caller's role; null for an API key")


class SessionRead(OutputModel):
    user: UserRead | None
    api_key_id: uuid.UUID | None = None
    tenants: list[TenantMembershipRead]


# --- tenants ----------------------------------------------------------------------------------
class TenantCreate(InputModel):
    name: Name
    slug: Slug | None = None
    timezone: Timezone = "UTC"
    locale: Locale = "en"


class TenantUpdate(InputModel):
    name: Name | None = None
    slug: Slug | None = None
    timezone: Timezone | None = None
    locale: Locale | None = None


class TenantRead(OutputModel):
    id: uuid.UUID
    name: str
    slug: str
    timezone: str
    locale: str
    created_at: datetime
    updated_at: datetime


# --- members and invitations ------------------------------------------------------------------
class MemberRead(OutputModel):
    id: uuid.UUID = Field(description="Membership id")
    user_id: uuid.UUID
    email: str
    name: str
    role: Role
    created_at: datetime


class MemberUpdate(InputModel):
    role: Role


class InvitationCreate(InputModel):
    email: EmailStr
    role: Role = Role.member


class InvitationRead(OutputModel):
    id: uuid.UUID
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class InvitationCreated(InvitationRead):
    token: str = Field(description="Shown once; the invitee needs it to accept")
    accept_url: str


class InvitationLookup(InputModel):
    token: Annotated[str, StringConstraints(min_length=10, max_length=200)]


class InvitationPreview(OutputModel):
    tenant_name: str
    email: str
    role: Role
    expires_at: datetime
    account_exists: bool


class InvitationAccept(InputModel):
    token: Annotated[str, StringConstraints(min_length=10, max_length=200)]
    password: Password
    name: Annotated[str, StringConstraints(max_length=200)] = ""


# --- API keys ---------------------------------------------------------------------------------
class ApiKeyCreate(InputModel):
    name: Name
    scopes: Annotated[list[ScopeName], Field(min_length=1)]
    expires_at: datetime | None = None


class ApiKeyRead(OutputModel):
    id: uuid.UUID
    name: str
    prefix: str = Field(description="The first characters of the key, to recognise it")
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ScopeRead(OutputModel):
    name: ScopeName
    description: str
    grantable: bool = Field(description="Whether an API key may hold it")
    members: bool = Field(description="Whether the member role holds it (owners and admins: all)")


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="Shown once; send it as `Authorization: Bearer <key>`")


# --- feature flags ----------------------------------------------------------------------------
class FeatureFlagRead(OutputModel):
    key: str
    description: str
    enabled: bool
    default: bool
    overridden: bool


class FeatureFlags(OutputModel):
    flags: dict[str, FeatureFlagRead]


class FeatureFlagSet(InputModel):
    enabled: bool
