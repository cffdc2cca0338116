"""Per-tenant API keys for integrators: shown once, stored hashed, scoped, revocable."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.db import utcnow
from agentplatform.core.errors import FieldError, ValidationFailed
from agentplatform.core.pagination import PageParams, paginate
from agentplatform.core.scoped import get_scoped, scoped
from agentplatform.core.security import new_token, token_hash
from agentplatform.core.settings import Settings
from agentplatform.tenancy import flags_service
from agentplatform.tenancy.models import ApiKey
from agentplatform.tenancy.schemas import ApiKeyCreate
from agentplatform.tenancy.scopes import api_key_grantable

KEY_PREFIX = "ap_"
_DISPLAY_PREFIX_LENGTH = 10


async def create_api_key(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    data: ApiKeyCreate,
    created_by: uuid.UUID | None,
    *,
    settings: Settings,
) -> tuple[ApiKey, str]:
    await flags_service.require_enabled(session, tenant_id, "api_keys", settings)
    refused = sorted(s for s in data.scopes if s not in api_key_grantable())
    if refused:
        raise ValidationFailed(
            "API keys cannot hold these scopes",
            errors=[
                FieldError.at(
                    "body.scopes",
                    f"not grantable to an API key: {', '.join(refused)}",
                    "scope_not_grantable",
                )
            ],
        )
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise ValidationFailed(
            "The expiry is in the past",
            errors=[FieldError.at("body.expires_at", "must be in the future", "in_the_past")],
        )
    key = new_token(KEY_PREFIX)
    api_key = ApiKey(
        tenant_id=tenant_id,
        name=data.name,
        prefix=key[:_DISPLAY_PREFIX_LENGTH],
        key_hash=token_hash(key),
        scopes=sorted({str(s) for s in data.scopes}),
        created_by_user_id=created_by,
        created_at=utcnow(),
        expires_at=data.expires_at,
    )
    session.add(api_key)
    await session.flush()
    return api_key, key


async def list_api_keys(
    session: AsyncSession, tenant_id: uuid.UUID, params: PageParams
) -> tuple[list[ApiKey], int]:
    stmt = scoped(select(ApiKey), ApiKey, tenant_id).order_by(ApiKey.created_at.desc(), ApiKey.id)
    return await paginate(session, stmt, params)


async def revoke_api_key(session: AsyncSession, tenant_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey:
    api_key = await get_scoped(session, ApiKey, tenant_id, key_id, "API key not found")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        await session.flush()
    return api_key
