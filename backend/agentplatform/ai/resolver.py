"""Which provider and model serve a call: the agent's, else the workspace's, else the environment's.

With no provider anywhere, chat goes to the offline responder and embeddings to the local model.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.ai.llm import ProviderConfig, ProviderKind
from agentplatform.ai.models import AiProvider, AiSettings
from agentplatform.ai.providers_service import config_of
from agentplatform.ai.schemas import ModelSource
from agentplatform.core.scoped import find_scoped
from agentplatform.core.settings import Settings

OFFLINE_MODEL = "offline/extractive-v1"
LOCAL_EMBEDDING_MODEL = "local/all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Resolved:
    config: ProviderConfig | None  # None: served on this machine (offline responder, local model)
    model: str
    source: ModelSource

    @property
    def offline(self) -> bool:
        return self.config is None

    @property
    def provider_name(self) -> str:
        return self.config.name if self.config else "offline"


def env_providers(settings: Settings) -> list[ProviderConfig]:
    """Providers configured by environment variables, in order of preference."""
    candidates = (
        (ProviderKind.openai, settings.openai_api_key, settings.openai_base_url),
        (ProviderKind.openrouter, settings.openrouter_api_key, settings.openrouter_base_url),
    )
    return [
        ProviderConfig(
            kind=kind,
            base_url=base_url,
            api_key=key.get_secret_value(),
            name=f"env:{kind.value}",
            timeout_seconds=settings.llm_timeout_seconds,
            max_retries=settings.llm_max_retries,
        )
        for kind, key, base_url in candidates
        if key is not None
    ]


async def tenant_ai_settings(session: AsyncSession, tenant_id: uuid.UUID) -> AiSettings | None:
    return await session.get(AiSettings, tenant_id)


async def _provider(
    session: AsyncSession, tenant_id: uuid.UUID, provider_id: uuid.UUID | None
) -> AiProvider | None:
    if provider_id is None:
        return None
    return await find_scoped(session, AiProvider, tenant_id, provider_id)


async def resolve_chat(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    *,
    agent_provider_id: uuid.UUID | None = None,
    agent_model: str | None = None,
) -> Resolved:
    workspace = await tenant_ai_settings(session, tenant_id)
    model = (
        agent_model or (workspace.chat_model if workspace else None) or settings.default_chat_model
    )
    agent_provider = await _provider(session, tenant_id, agent_provider_id)
    if agent_provider is not None:
        return Resolved(config_of(agent_provider, settings), model, "agent")
    workspace_provider = await _provider(
        session, tenant_id, workspace.chat_provider_id if workspace else None
    )
    if workspace_provider is not None:
        return Resolved(config_of(workspace_provider, settings), model, "workspace")
    env = env_providers(settings)
    if env:
        return Resolved(env[0], model, "environment")
    return Resolved(None, OFFLINE_MODEL, "offline")


async def resolve_embeddings(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID
) -> Resolved:
    workspace = await tenant_ai_settings(session, tenant_id)
    provider = await _provider(
        session, tenant_id, workspace.embedding_provider_id if workspace else None
    )
    if provider is not None and workspace is not None and workspace.embedding_model:
        return Resolved(config_of(provider, settings), workspace.embedding_model, "workspace")
    if settings.default_embedding_provider != "local":
        kind = ProviderKind(settings.default_embedding_provider)
        for config in env_providers(settings):
            if config.kind is kind:
                return Resolved(config, settings.default_embedding_model, "environment")
    return Resolved(None, LOCAL_EMBEDDING_MODEL, "offline")
