"""A tenant's AI providers: keys encrypted at rest, never returned (last four characters only)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.ai.events import AI_SETTINGS_CHANGED
from agentplatform.ai.llm import ProviderConfig, ProviderKind
from agentplatform.ai.models import AiProvider, AiSettings
from agentplatform.ai.schemas import ProviderCreate, ProviderUpdate
from agentplatform.core import events
from agentplatform.core.errors import Conflict, FieldError, ValidationFailed
from agentplatform.core.scoped import find_scoped, get_scoped, scoped
from agentplatform.core.security import SecretBox, last_four, secret_box
from agentplatform.core.settings import Settings


def box(settings: Settings) -> SecretBox:
    return secret_box(tuple(settings.encryption_key_list))


def default_base_url(kind: ProviderKind, settings: Settings) -> str | None:
    return {
        ProviderKind.openai: settings.openai_base_url,
        ProviderKind.openrouter: settings.openrouter_base_url,
    }.get(kind)


def config_of(provider: AiProvider, settings: Settings) -> ProviderConfig:
    """The decrypted client configuration (in memory only, for the duration of a call)."""
    key = box(settings).decrypt(provider.api_key_encrypted) if provider.api_key_encrypted else None
    return ProviderConfig(
        kind=provider.kind,
        base_url=provider.base_url,
        api_key=key,
        name=provider.name,
        timeout_seconds=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
    )


def _name_taken(name: str) -> Conflict:
    return Conflict(
        f"A provider named '{name}' exists",
        errors=[FieldError.at("body.name", "taken", "taken")],
    )


async def _name_exists(
    session: AsyncSession, tenant_id: uuid.UUID, name: str, exclude: uuid.UUID | None = None
) -> bool:
    stmt = scoped(select(AiProvider.id), AiProvider, tenant_id).where(AiProvider.name == name)
    if exclude is not None:
        stmt = stmt.where(AiProvider.id != exclude)
    return (await session.scalar(stmt)) is not None


def _set_key(provider: AiProvider, key: str | None, settings: Settings) -> None:
    provider.api_key_encrypted = box(settings).encrypt(key) if key else None
    provider.api_key_last_four = last_four(key) if key else ""


async def create_provider(
    session: AsyncSession, tenant_id: uuid.UUID, data: ProviderCreate, settings: Settings
) -> AiProvider:
    base_url = (
        str(data.base_url).rstrip("/") if data.base_url else default_base_url(data.kind, settings)
    )
    if base_url is None:
        raise ValidationFailed(
            "A compatible server needs its base URL",
            errors=[FieldError.at("body.base_url", "required for kind 'compatible'", "missing")],
        )
    if data.kind is not ProviderKind.compatible and not data.api_key:
        raise ValidationFailed(
            f"{data.kind.value} needs an API key",
            errors=[FieldError.at("body.api_key", "required for this kind", "missing")],
        )
    if await _name_exists(session, tenant_id, data.name):
        raise _name_taken(data.name)
    provider = AiProvider(tenant_id=tenant_id, name=data.name, kind=data.kind, base_url=base_url)
    _set_key(provider, data.api_key, settings)
    session.add(provider)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent create with the same name
        raise _name_taken(data.name) from exc
    # The first provider of a workspace answers by default: adding a key should end offline mode.
    defaults = await session.get(AiSettings, tenant_id)
    if defaults is None:
        session.add(AiSettings(tenant_id=tenant_id, chat_provider_id=provider.id))
        await session.flush()
    elif defaults.chat_provider_id is None:
        defaults.chat_provider_id = provider.id
        await session.flush()
    return provider


async def get_provider(
    session: AsyncSession, tenant_id: uuid.UUID, provider_id: uuid.UUID
) -> AiProvider:
    return await get_scoped(session, AiProvider, tenant_id, provider_id, "AI provider not found")


async def check_provider(
    session: AsyncSession, tenant_id: uuid.UUID, provider_id: uuid.UUID | None, field: str
) -> None:
    """A 422 at `field` unless the provider is one of the tenant's (None: the default answers)."""
    if provider_id is None or await find_scoped(session, AiProvider, tenant_id, provider_id):
        return
    raise ValidationFailed(
        "The provider is not one of this workspace's",
        errors=[FieldError.at(field, "unknown provider", "unknown_provider")],
    )


async def list_providers(session: AsyncSession, tenant_id: uuid.UUID) -> list[AiProvider]:
    rows = await session.scalars(
        scoped(select(AiProvider), AiProvider, tenant_id).order_by(AiProvider.name)
    )
    return list(rows)


async def update_provider(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    provider_id: uuid.UUID,
    data: ProviderUpdate,
    settings: Settings,
) -> AiProvider:
    provider = await get_provider(session, tenant_id, provider_id)
    if data.name is not None and data.name != provider.name:
        if await _name_exists(session, tenant_id, data.name, exclude=provider.id):
            raise _name_taken(data.name)
        provider.name = data.name
    if data.base_url is not None:
        provider.base_url = str(data.base_url).rstrip("/")
    if data.api_key is not None:
        _set_key(provider, data.api_key, settings)
    elif data.clear_api_key:
        if provider.kind is not ProviderKind.compatible:
            raise ValidationFailed(
                f"{provider.kind.value} needs an API key",
                errors=[FieldError.at("body.clear_api_key", "this kind needs a key", "required")],
            )
        _set_key(provider, None, settings)
    await session.flush()
    events.emit(session, AI_SETTINGS_CHANGED, tenant_id=str(tenant_id))
    return provider


async def delete_provider(
    session: AsyncSession, tenant_id: uuid.UUID, provider_id: uuid.UUID
) -> None:
    """Agents and defaults that used it fall back to the workspace or environment default."""
    provider = await get_provider(session, tenant_id, provider_id)
    await session.delete(provider)
    await session.flush()
    events.emit(session, AI_SETTINGS_CHANGED, tenant_id=str(tenant_id))
