"""Setting up the chat bench (`bench.chat_turn`): the workspace through the API, the documents
indexed with the worker's own job function, and 10,000 conversations and 100,000 memories
seeded by SQL (the vectors by binary COPY)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import asyncpg
import httpx
import numpy as np
from agentplatform.core.db import create_engine, create_sessionmaker
from agentplatform.core.redis import create_redis
from agentplatform.core.settings import Settings
from agentplatform.knowledge.index.tasks import index_next_document
from pgvector.asyncpg import register_vector

from bench.instant_llm import MODEL

CONTACTS = 1_000
CONVERSATIONS_PER_CONTACT = 10
MEMORIES_PER_CONTACT = 100
DIMENSIONS = 384
INSTRUCTIONS = "You are Ana, a friendly sales assistant of Acme Corp. Answer briefly."
DOCUMENTS = {
    "Catalogue": (
        "# Acme Corp catalogue\n\nAcme Corp supplies Bracket X to Globex Inc.\n\n"
        "## Bracket X\n\n- Price: $49\n- Warranty: 2 years\n- Material: steel\n\n"
        "## Bracket Y\n\n- Price: $79\n- Warranty: 3 years\n- Material: aluminium\n"
    ),
    "Returns": (
        "# Returns\n\nUnused items can be returned within 30 days for a full refund. "
        "Shipping of returns is free for orders above $100."
    ),
    "Delivery": (
        "# Delivery\n\nOrders ship within two business days. Express delivery costs $15 and "
        "arrives the next day in most cities."
    ),
    "Support": (
        "# Support\n\nOur support team answers from 9:00 to 18:00 on weekdays by chat, e-mail "
        "and phone. Installation guides are available for every bracket."
    ),
}

# --- the workspace ---------------------------------------------------------------------------


def prepare_workspace(base: str, email: str, password: str, llm_url: str) -> tuple[str, str, str]:
    """Signs in; adds the provider, an API key, the documents and the agent. Returns the tenant
    id, the agent id and the key."""
    with httpx.Client(base_url=base, timeout=60, headers={"Origin": base}) as client:
        login = client.post("/api/v1/auth/login", json={"email": email, "password": password})
        login.raise_for_status()
        tenant = f"/api/v1/tenants/{login.json()['tenants'][0]['id']}"
        provider = client.post(
            f"{tenant}/ai/providers",
            json={
                "name": "Instant",
                "kind": "compatible",
                "base_url": llm_url,
                "api_key": "sk-bench-0123456789abcdef",
            },
        )
        provider.raise_for_status()
        key = client.post(
            f"{tenant}/api-keys", json={"name": "bench", "scopes": ["chat:write", "agents:read"]}
        )
        key.raise_for_status()
        for title, text in DOCUMENTS.items():
            client.post(
                f"{tenant}/knowledge/documents/text", json={"title": title, "text": text}
            ).raise_for_status()
        agent = client.post(
            f"{tenant}/agents",
            json={
                "name": "Ana",
                "instructions": INSTRUCTIONS,
                "provider_id": provider.json()["id"],
                "model": MODEL,
                "tools": ["knowledge_search", "memory_lookup"],
            },
        )
        agent.raise_for_status()
        return tenant.rsplit("/", 1)[1], str(agent.json()["id"]), str(key.json()["key"])


async def index_documents(settings: Settings) -> int:
    """Indexes the uploaded documents with the worker's own job function; returns how many."""
    engine = create_engine(settings)
    arq = create_redis(settings.redis_url or "")
    ctx: dict[str, Any] = {
        "settings": settings,
        "sessionmaker": create_sessionmaker(engine),
        "redis": arq,
    }
    try:
        done = 0
        while (outcome := await index_next_document(ctx)) != "skipped":
            done += outcome != "retry"
        return done
    finally:
        await arq.aclose()
        await engine.dispose()


async def seed_conversations(
    dsn: str, tenant_id: uuid.UUID, agent_id: uuid.UUID
) -> tuple[uuid.UUID, float]:
    """Contacts, conversations, messages and memories; returns the benched contact's id and the
    seconds it took."""
    started = time.perf_counter()
    rng = np.random.default_rng(5)
    conn = await asyncpg.connect(dsn)
    await register_vector(conn)
    try:
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO contact (id, tenant_id, name, email) "
                "SELECT gen_random_uuid(), $1, 'Contact ' || g, 'c' || g || '@example.com' "
                "FROM generate_series(1, $2) g",
                tenant_id, CONTACTS,
            )  # fmt: skip
            await conn.execute(
                "INSERT INTO conversation (id, tenant_id, agent_id, contact_id, channel, title, "
                "message_count, last_message_at) "
                "SELECT gen_random_uuid(), $1, $2, c.id, 'api', 'Seeded ' || s, 2, "
                "now() - s * interval '1 hour' FROM contact c, generate_series(1, $3) s "
                "WHERE c.tenant_id = $1",
                tenant_id, agent_id, CONVERSATIONS_PER_CONTACT,
            )  # fmt: skip
            await conn.execute(
                "INSERT INTO message (id, tenant_id, conversation_id, role, content, created_at) "
                "SELECT gen_random_uuid(), $1, v.id, r.role::message_role, r.content, "
                "v.last_message_at - r.back * interval '1 minute' FROM conversation v, "
                "(VALUES ('user', 'Do you ship to Valencia?', 1), "
                "('assistant', 'Yes, orders ship within two business days.', 0)) "
                "r(role, content, back) WHERE v.tenant_id = $1",
                tenant_id,
            )  # fmt: skip
            await conn.execute(
                "CREATE TEMP TABLE bench_vector (n integer, embedding vector(384)) ON COMMIT DROP"
            )
            total = CONTACTS * MEMORIES_PER_CONTACT
            for start in range(0, total, 10_000):
                vectors = rng.standard_normal((10_000, DIMENSIONS)).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                await conn.copy_records_to_table(  # binary COPY: no text formatting of floats
                    "bench_vector",
                    records=[(start + i, vectors[i]) for i in range(len(vectors))],
                    columns=["n", "embedding"],
                )
            await conn.execute(
                "INSERT INTO contact_memory (id, tenant_id, contact_id, key, value, text, "
                "importance, origin, embedding, times_seen, last_seen_at) "
                "SELECT gen_random_uuid(), $1, c.id, 'preference', 'product ' || v.n, "
                "'Likes: product ' || v.n, (v.n % 10) / 10.0, 'conversation', v.embedding, "
                "1 + v.n % 3, now() - (v.n % 90) * interval '1 day' "
                "FROM bench_vector v JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k "
                "FROM contact WHERE tenant_id = $1) c ON c.k = v.n / $2",
                tenant_id, MEMORIES_PER_CONTACT,
            )  # fmt: skip
        for table in ("contact", "conversation", "message", "contact_memory"):
            await conn.execute(f"ANALYZE {table}")
        contact = await conn.fetchval(
            "SELECT contact_id FROM contact_memory WHERE tenant_id = $1 "
            "GROUP BY contact_id ORDER BY contact_id LIMIT 1 OFFSET 500",
            tenant_id,
        )
        counts = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM conversation) AS conversations, "
            "(SELECT count(*) FROM contact_memory WHERE contact_id = $1) AS memories",
            contact,
        )
        assert counts["memories"] == MEMORIES_PER_CONTACT, counts
    finally:
        await conn.close()
    return contact, time.perf_counter() - started
