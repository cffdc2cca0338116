"""AI use cases: workspace settings, provider health, model lists, embeddings."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
import uuid
from typing import Literal

from arq import ArqRedis
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.ai import embeddings, llm, usage
from agentplatform.ai.events import AI_SETTINGS_CHANGED
from agentplatform.ai.local_embedder import get_local_embedder
from agentplatform.ai.models import AiSettings
from agentplatform.ai.providers_service import (
    check_provider,
    config_of,
    list_providers,
)
from agentplatform.ai.resolver import (
    LOCAL_EMBEDDING_MODEL,
    OFFLINE_MODEL,
    Resolved,
    env_providers,
    resolve_chat,
    resolve_embeddings,
)
from agentplatform.ai.schemas import (
    AiHealth,
    AiSettingsRead,
    AiSettingsUpdate,
    EmbedResponse,
    ModelInfo,
    ModelList,
    ProviderHealthRead,
    ResolvedRead,
)
from agentplatform.core import events
from agentplatform.core.errors import ProblemError
from agentplatform.core.redis import REDIS_ERRORS
from agentplatform.core.settings import Settings

Source = Literal["workspace", "environment", "local"]
_MODELS_KEY = "agentplatform:ai:models:"


def resolved_read(resolved: Resolved, offline_kind: str) -> ResolvedRead:
    return ResolvedRead(
        provider=resolved.provider_name if resolved.config else offline_kind,
        kind=resolved.config.kind.value if resolved.config else offline_kind,
        model=resolved.model,
        source=resolved.source,
        offline=resolved.offline,
    )


async def read_settings(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID
) -> AiSettingsRead:
    row = await session.get(AiSettings, tenant_id)
    chat = await resolve_chat(session, settings, tenant_id)
    embeddings = await resolve_embeddings(session, settings, tenant_id)
    return AiSettingsRead(
        chat_provider_id=row.chat_provider_id if row else None,
        chat_model=row.chat_model if row else None,
        embedding_provider_id=row.embedding_provider_id if row else None,
        embedding_model=row.embedding_model if row else None,
        monthly_token_budget=row.monthly_token_budget if row else None,
        tokens_used_this_month=await usage.tokens_this_month(session, tenant_id),
        chat=resolved_read(chat, "offline"),
        embeddings=resolved_read(embeddings, "local"),
    )


async def read_budget(session: AsyncSession, tenant_id: uuid.UUID) -> int | None:
    row = await session.get(AiSettings, tenant_id)
    return row.monthly_token_budget if row else None


async def update_settings(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID, data: AiSettingsUpdate
) -> AiSettingsRead:
    """Replaces the workspace's AI defaults (null fields fall back to the environment)."""
    for field in ("chat_provider_id", "embedding_provider_id"):
        await check_provider(session, tenant_id, getattr(data, field), f"body.{field}")
    row = await session.get(AiSettings, tenant_id)
    if row is None:
        row = AiSettings(tenant_id=tenant_id)
        session.add(row)
    row.chat_provider_id = data.chat_provider_id
    row.chat_model = data.chat_model
    row.embedding_provider_id = data.embedding_provider_id
    row.embedding_model = data.embedding_model
    row.monthly_token_budget = data.monthly_token_budget
    await session.flush()
    events.emit(session, AI_SETTINGS_CHANGED, tenant_id=str(tenant_id))
    return await read_settings(session, settings, tenant_id)


async def _configured(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID
) -> list[tuple[llm.ProviderConfig, Source]]:
    workspace: list[tuple[llm.ProviderConfig, Source]] = [
        (config_of(p, settings), "workspace") for p in await list_providers(session, tenant_id)
    ]
    return workspace + [(c, "environment") for c in env_providers(settings)]


def _local_embedder_health(settings: Settings) -> ProviderHealthRead:
    started = time.perf_counter()
    try:
        embedder = get_local_embedder(
            str(settings.local_embedding_model_path)
            if settings.local_embedding_model_path
            else None
        )
        embedder.embed(["health check"])
    except Exception as exc:
        return ProviderHealthRead(
            provider="local",
            kind="local",
            source="local",
            ok=False,
            latency_ms=None,
            detail=f"local embedding model unavailable: {exc}",
            model_count=None,
        )
    return ProviderHealthRead(
        provider="local",
        kind="local",
        source="local",
        ok=True,
        latency_ms=int((time.perf_counter() - started) * 1000),
        detail=f"{LOCAL_EMBEDDING_MODEL} and the offline responder ({OFFLINE_MODEL}) are ready",
        model_count=2,
    )


async def health(session: AsyncSession, settings: Settings, tenant_id: uuid.UUID) -> AiHealth:
    """Checks every provider the workspace can use, side by side, plus the local model."""
    configured = await _configured(session, settings, tenant_id)
    results = await asyncio.gather(*(llm.check_health(config) for config, _ in configured))
    providers = [
        ProviderHealthRead(
            provider=config.name,
            kind=config.kind.value,
            source=source,
            ok=result.ok,
            latency_ms=result.latency_ms,
            detail=result.detail,
            model_count=result.model_count,
        )
        for (config, source), result in zip(configured, results, strict=True)
    ]
    providers.append(await asyncio.to_thread(_local_embedder_health, settings))
    chat = await resolve_chat(session, settings, tenant_id)
    return AiHealth(providers=providers, offline_mode=chat.offline)


def _cache_key(config: llm.ProviderConfig) -> str:
    identity = f"{config.kind}|{config.base_url}|{config.api_key or ''}"
    return _MODELS_KEY + hashlib.sha256(identity.encode()).hexdigest()


async def _models_of(
    config: llm.ProviderConfig, redis: ArqRedis, ttl: int, budget: float
) -> list[str]:
    """The provider's models, from the cache when Redis answers within `budget` (else asked)."""
    key = _cache_key(config)
    cached = None
    with contextlib.suppress(*REDIS_ERRORS):
        async with asyncio.timeout(budget):
            cached = await redis.get(key)
    if cached:
        models: list[str] = json.loads(cached)
        return models
    models = await llm.list_models(config)
    if ttl:
        with contextlib.suppress(*REDIS_ERRORS):
            async with asyncio.timeout(budget):
                await redis.set(key, json.dumps(models), ex=ttl)
    return models


async def list_models(
    session: AsyncSession, settings: Settings, redis: ArqRedis, tenant_id: uuid.UUID
) -> ModelList:
    """Models of every usable provider (cached in Redis), then the two local ones."""
    configured = await _configured(session, settings, tenant_id)
    results = await asyncio.gather(
        *(
            _models_of(
                c, redis, settings.ai_models_cache_seconds, settings.redis_fast_timeout_seconds
            )
            for c, _ in configured
        ),
        return_exceptions=True,
    )
    out = ModelList(models=[])
    for (config, source), result in zip(configured, results, strict=True):
        if isinstance(result, BaseException):
            out.errors[config.name] = (
                result.detail if isinstance(result, ProblemError) and result.detail else str(result)
            )
            continue
        out.models.extend(
            ModelInfo(id=m, provider=config.name, kind=config.kind.value, source=source)
            for m in result
        )
    out.models.append(
        ModelInfo(
            id=OFFLINE_MODEL, provider="offline", kind="offline", source="local", offline=True
        )
    )
    out.models.append(
        ModelInfo(
            id=LOCAL_EMBEDDING_MODEL, provider="local", kind="local", source="local", offline=True
        )
    )
    return out


async def embed(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    texts: list[str],
    agent_id: uuid.UUID | None = None,
) -> EmbedResponse:
    """Embeds with the workspace's embedding model (the local one by default) and records usage."""
    resolved = await resolve_embeddings(session, settings, tenant_id)
    embedded = await embeddings.embed_and_record(
        session, settings, tenant_id, resolved.config, resolved.model, texts, agent_id=agent_id
    )
    vectors = embedded.vectors
    return EmbedResponse(
        model=resolved.model,
        provider=embedded.call.provider,
        offline=resolved.offline,
        dimensions=len(vectors[0]) if vectors else 0,
        vectors=vectors,
    )
