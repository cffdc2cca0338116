"""Migrations are the only way the schema changes: the migrated database must match the models."""

from __future__ import annotations

import secrets

from agentplatform.core.db import async_database_url
from agentplatform.core.embedded import drop_database, ensure_database
from agentplatform.core.migrations import alembic_config, head_revisions
from agentplatform.models import Base
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from tests.conftest import Services, _with_database


async def test_models_and_migrations_agree(engine: AsyncEngine) -> None:
    def diff(sync_conn: object) -> list[object]:
        context = MigrationContext.configure(
            sync_conn,  # type: ignore[arg-type]
            opts={"compare_type": True, "compare_server_default": True},
        )
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []


async def test_migrations_go_down_to_base_and_up_again(services: Services) -> None:
    import asyncio

    scratch = f"agentplatform_scratch_{secrets.token_hex(4)}"
    await ensure_database(services.admin_dsn, scratch)
    url = async_database_url(_with_database(services.admin_dsn, scratch, "postgresql"))
    try:
        config = alembic_config(url)
        await asyncio.to_thread(command.upgrade, config, "head")
        await asyncio.to_thread(command.downgrade, config, "base")
        await asyncio.to_thread(command.upgrade, config, "head")
        engine = create_async_engine(url, poolclass=NullPool)
        async with engine.connect() as conn:
            from agentplatform.core.migrations import current_revisions

            assert await current_revisions(conn) == head_revisions()
        await engine.dispose()
    finally:
        await drop_database(services.admin_dsn, scratch)
