"""The embedding models behind a tenant's knowledge: which one its vectors come from, and embedding.

Every chunk vector of a tenant comes from one model, the *active* one recorded in its
`KnowledgeIndex` row (the local model when there is no row yet). Queries, new documents and edited
chunks are embedded with that model, not with whatever the AI settings say now: while a
re-embedding moves the tenant to another model (`reembedding`), the active one keeps serving.

Provider models are asked for `EMBEDDING_DIMENSIONS` dimensions (OpenAI's text-embedding-3
models accept any size up to theirs); a model that answers with another size cannot serve the
index and fails with a reason that says so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.ai import embeddings
from agentplatform.ai.embeddings import Embedded
from agentplatform.ai.llm import ProviderConfig
from agentplatform.ai.local_embedder import MODEL_NAME
from agentplatform.ai.models import AiProvider, AiSettings
from agentplatform.ai.providers_service import config_of
from agentplatform.ai.resolver import env_providers, resolve_embeddings
from agentplatform.core.errors import ServiceUnavailable
from agentplatform.core.settings import Settings
from agentplatform.knowledge.index.models import EMBEDDING_DIMENSIONS, KnowledgeIndex


class EmbeddingUnavailable(ServiceUnavailable):
    """The index's model cannot embed, now or ever; `message` says why in words for the UI."""

    code = "embedding-model-unavailable"
    title = "The knowledge base's embedding model is unavailable"

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@dataclass(frozen=True)
class ModelRef:
    """An embedding model as the index records it (no key: that stays with the provider)."""

    model: str
    endpoint: str | None = None  # None: the local model
    provider_id: uuid.UUID | None = None  # the workspace provider it was chosen through

    @property
    def local(self) -> bool:
        return self.endpoint is None

    def same_vectors(self, other: ModelRef) -> bool:
        return (self.model, self.endpoint) == (other.model, other.endpoint)


LOCAL = ModelRef(MODEL_NAME)


def endpoint_of(config: ProviderConfig) -> str:
    return f"{config.kind.value} {config.base_url.rstrip('/')}"


def _checked(ref: ModelRef, embedded: Embedded) -> Embedded:
    sizes = {len(vector) for vector in embedded.vectors}
    if sizes and sizes != {EMBEDDING_DIMENSIONS}:
        raise EmbeddingUnavailable(
            f"{ref.model} returned {', '.join(map(str, sorted(sizes)))}-dimensional "
            f"vectors; the knowledge index needs {EMBEDDING_DIMENSIONS} (choose a model that "
            "accepts the `dimensions` parameter, such as text-embedding-3-small)",
            permanent=True,
        )
    return embedded


@dataclass(frozen=True)
class Embedder:
    """Embeds with one model (`config` None: the local one) into the index's vector size."""

    ref: ModelRef
    config: ProviderConfig | None
    settings: Settings

    async def embed(self, texts: list[str]) -> Embedded:
        embedded = await embeddings.embed(
            self.settings, self.config, self.ref.model, texts, dimensions=EMBEDDING_DIMENSIONS
        )
        return _checked(self.ref, embedded)

    async def embed_and_record(
        self, session: AsyncSession, tenant_id: uuid.UUID, texts: list[str]
    ) -> list[list[float]]:
        """Embeds and books the call to the tenant (a provider's tokens within its budget)."""
        embedded = await embeddings.embed_and_record(
            session,
            self.settings,
            tenant_id,
            self.config,
            self.ref.model,
            texts,
            dimensions=EMBEDDING_DIMENSIONS,
        )
        return _checked(self.ref, embedded).vectors


async def ensure_index(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    """Creates the tenant's index row (on the local model) if it has none; safe to race."""
    await session.execute(
        insert(KnowledgeIndex)
        .values(tenant_id=tenant_id, model=LOCAL.model, endpoint=None, state="ready")
        .on_conflict_do_nothing(index_elements=[KnowledgeIndex.tenant_id])
    )


async def locked_index(session: AsyncSession, tenant_id: uuid.UUID) -> KnowledgeIndex:
    """The index row, share-locked until the transaction ends.

    Whoever writes vectors into `chunk.embedding` holds this lock while checking the model, and
    the switch to a new model takes the row exclusively: vectors from the old model can never be
    committed after the switch.
    """
    await ensure_index(session, tenant_id)
    row = await session.scalar(
        select(KnowledgeIndex)
        .where(KnowledgeIndex.tenant_id == tenant_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


def active_ref(index: KnowledgeIndex | None) -> ModelRef:
    if index is None:
        return LOCAL
    return ModelRef(index.model, index.endpoint, index.provider_id)


def target_ref(index: KnowledgeIndex) -> ModelRef | None:
    if index.target_model is None:
        return None
    return ModelRef(index.target_model, index.target_endpoint, index.target_provider_id)


async def active_model(session: AsyncSession, tenant_id: uuid.UUID) -> ModelRef:
    return active_ref(await session.get(KnowledgeIndex, tenant_id))


async def configured_model(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID
) -> ModelRef:
    """The model the AI settings choose for embeddings now (after fallbacks)."""
    resolved = await resolve_embeddings(session, settings, tenant_id)
    if resolved.config is None:
        return LOCAL
    provider_id = None
    if resolved.source == "workspace":
        ai_settings = await session.get(AiSettings, tenant_id)
        provider_id = ai_settings.embedding_provider_id if ai_settings else None
    return ModelRef(resolved.model, endpoint_of(resolved.config), provider_id)


async def embedder_for(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID, ref: ModelRef
) -> Embedder:
    """An embedder for a recorded model: through the provider it was chosen with while that still
    points at the same endpoint, else any of the tenant's or the environment's that does."""
    if ref.local:
        return Embedder(ref, None, settings)
    providers = list(
        await session.scalars(
            select(AiProvider)
            .where(AiProvider.tenant_id == tenant_id)
            .order_by((AiProvider.id == ref.provider_id).desc(), AiProvider.created_at)
        )
    )
    configs = [config_of(provider, settings) for provider in providers] + env_providers(settings)
    for config in configs:
        if endpoint_of(config) == ref.endpoint:
            return Embedder(ref, config, settings)
    raise EmbeddingUnavailable(
        f"No AI provider reaches {ref.endpoint} any more, which serves the embedding model "
        f"{ref.model} of this knowledge base; add it again or choose another embedding model",
        permanent=True,
    )
