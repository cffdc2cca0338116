"""The account's names: pipelines and stages, lead fields, users, read through the client and
kept in Redis for a minute per account (actions resolve names against them; facts show them).

A short cache rather than synced tables: an admin renaming a stage is seen within a minute, and
an account's directory is three small requests when it is cold.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import orjson
from pydantic import BaseModel, TypeAdapter
from redis.asyncio import Redis

from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.client.models import CustomField, Pipeline, Status, User

M = TypeVar("M", bound=BaseModel)
TTL_SECONDS = 60
_PIPELINES = TypeAdapter(list[Pipeline])
_FIELDS = TypeAdapter(list[CustomField])
_USERS = TypeAdapter(list[User])


@dataclass(frozen=True)
class Directory:
    pipelines: list[Pipeline]
    lead_fields: list[CustomField]
    users: list[User]

    def pipeline(self, pipeline_id: int) -> Pipeline | None:
        return next((p for p in self.pipelines if p.id == pipeline_id), None)

    def stage(self, pipeline_id: int, status_id: int) -> Status | None:
        pipeline = self.pipeline(pipeline_id)
        statuses = pipeline.embedded.statuses if pipeline else []
        return next((s for s in statuses if s.id == status_id), None)

    def user(self, user_id: int | None) -> User | None:
        return next((u for u in self.users if u.id == user_id), None)

    def lead_field(self, ref: str) -> CustomField | None:
        """A lead field by id, code or name (case-insensitive)."""
        ref = ref.strip()
        wanted = ref.casefold()
        by_id = [f for f in self.lead_fields if ref.isdigit() and f.id == int(ref)]
        by_code = [f for f in self.lead_fields if (f.code or "").casefold() == wanted]
        by_name = [f for f in self.lead_fields if f.name.strip().casefold() == wanted]
        return next(iter(by_id + by_code + by_name), None)


async def _cached(
    redis: Redis | None,
    key: str,
    adapter: TypeAdapter[list[M]],
    load: Callable[[], Awaitable[list[M]]],
) -> list[M]:
    if redis is not None:
        raw = await redis.get(key)
        if raw is not None:
            return adapter.validate_json(raw)
    items = await load()
    if redis is not None:
        data = [item.model_dump(mode="json", by_alias=True) for item in items]
        await redis.set(key, orjson.dumps(data), ex=TTL_SECONDS)
    return items


async def directory(client: KommoClient, redis: Redis | None, account_id: int) -> Directory:
    prefix = f"kommo:directory:{account_id}"
    pipelines = await _cached(redis, f"{prefix}:pipelines", _PIPELINES, client.list_pipelines)
    fields = await _cached(
        redis, f"{prefix}:lead_fields", _FIELDS, lambda: client.list_custom_fields("leads")
    )
    users = await _cached(redis, f"{prefix}:users", _USERS, lambda: client.list_users(with_=()))
    return Directory(pipelines, fields, users)


async def forget(redis: Redis | None, account_id: int) -> None:
    if redis is not None:
        prefix = f"kommo:directory:{account_id}"
        await redis.delete(f"{prefix}:pipelines", f"{prefix}:lead_fields", f"{prefix}:users")
