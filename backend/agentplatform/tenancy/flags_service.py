"""Feature flags per tenant: built-in default, then the environment, then the tenant's override."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.db import utcnow
from agentplatform.core.errors import FeatureDisabled, NotFound
from agentplatform.core.scoped import scoped
from agentplatform.core.settings import Settings
from agentplatform.tenancy.flags import FLAGS
from agentplatform.tenancy.models import FeatureFlagOverride
from agentplatform.tenancy.schemas import FeatureFlagRead, FeatureFlags


def default_for(key: str, settings: Settings) -> bool:
    return settings.feature_flags.get(key, FLAGS[key].default)


async def flags_for_tenant(
    session: AsyncSession, tenant_id: uuid.UUID, settings: Settings
) -> FeatureFlags:
    overrides = {
        row.key: row.enabled
        for row in await session.scalars(
            scoped(select(FeatureFlagOverride), FeatureFlagOverride, tenant_id)
        )
    }
    flags = {}
    for key, flag in FLAGS.items():
        default = default_for(key, settings)
        flags[key] = FeatureFlagRead(
            key=key,
            description=flag.description,
            default=default,
            enabled=overrides.get(key, default),
            overridden=key in overrides,
        )
    return FeatureFlags(flags=flags)


async def is_enabled(
    session: AsyncSession, tenant_id: uuid.UUID, key: str, settings: Settings
) -> bool:
    override = await session.scalar(
        scoped(select(FeatureFlagOverride.enabled), FeatureFlagOverride, tenant_id).where(
            FeatureFlagOverride.key == key
        )
    )
    return override if override is not None else default_for(key, settings)


def _known(key: str) -> None:
    if key not in FLAGS:
        raise NotFound(f"Unknown feature flag '{key}'")


async def set_flag(session: AsyncSession, tenant_id: uuid.UUID, key: str, enabled: bool) -> None:
    _known(key)
    stmt = insert(FeatureFlagOverride).values(
        tenant_id=tenant_id, key=key, enabled=enabled, updated_at=utcnow()
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[FeatureFlagOverride.tenant_id, FeatureFlagOverride.key],
            set_={"enabled": enabled, "updated_at": utcnow()},
        )
    )


async def reset_flag(session: AsyncSession, tenant_id: uuid.UUID, key: str) -> None:
    _known(key)
    await session.execute(
        scoped(delete(FeatureFlagOverride), FeatureFlagOverride, tenant_id).where(
            FeatureFlagOverride.key == key
        )
    )


async def require_enabled(
    session: AsyncSession, tenant_id: uuid.UUID, key: str, settings: Settings
) -> None:
    if not await is_enabled(session, tenant_id, key, settings):
        raise FeatureDisabled(f"'{key}' is switched off in this workspace's feature flags")
