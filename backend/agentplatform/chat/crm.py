"""What an agent may do in the CRM, as an interface the CRM integration implements.

The chat domain sits below the Kommo one, so it does not call Kommo: it describes each action
(`CrmAction`) and hands it to the `CrmGateway` registered for the workspace (`register_gateway`,
called by the Kommo domain when it loads). Until one is registered, or whenever a turn is a test,
the action is a dry run: it is recorded, with exactly what it would ask of the CRM, and nothing
is sent.

A gateway is given the settings and Redis of the process that runs the turn (the API or the
worker), and each action an idempotency `key` when the turn has one (the assistant message and
the tool call): the same key twice is sent once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.core.settings import Settings

ActionKind = Literal["move_stage", "add_note", "create_task", "update_field", "add_tags", "reply"]
Outcome = Literal["dry_run", "done", "failed", "not_connected"]


@dataclass(frozen=True)
class CrmAction:
    kind: ActionKind
    arguments: dict[str, Any]
    lead_id: str | None  # the conversation's lead, when it has one
    key: str | None = None  # stable per (message, tool call): the same key is sent once


@dataclass(frozen=True)
class ActionResult:
    kind: ActionKind
    arguments: dict[str, Any]
    outcome: Outcome
    detail: str
    request: dict[str, Any] = field(default_factory=dict)  # what was (or would be) sent

    def as_record(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "arguments": self.arguments,
            "outcome": self.outcome,
            "detail": self.detail,
            "request": self.request,
        }


@dataclass(frozen=True)
class CrmEnv:
    """What a gateway may use besides the session: the process's settings, Redis, and sessions
    of its own (a refreshed OAuth token is committed at once, whatever the turn does)."""

    settings: Settings
    redis: Redis | None
    maker: async_sessionmaker[AsyncSession] | None = None


class CrmGateway(Protocol):
    async def connected(self, session: AsyncSession, tenant_id: uuid.UUID) -> bool: ...

    async def run(
        self,
        session: AsyncSession,
        tenant_id: uuid.UUID,
        action: CrmAction,
        *,
        dry_run: bool,
        env: CrmEnv,
    ) -> ActionResult: ...

    async def lead_facts(
        self, session: AsyncSession, tenant_id: uuid.UUID, lead_id: str, *, env: CrmEnv
    ) -> list[str]: ...


_gateways: list[CrmGateway] = []


def register_gateway(gateway: CrmGateway) -> None:
    if gateway not in _gateways:
        _gateways.append(gateway)


async def gateway_for(session: AsyncSession, tenant_id: uuid.UUID) -> CrmGateway | None:
    for gateway in _gateways:
        if await gateway.connected(session, tenant_id):
            return gateway
    return None


def describe(action: CrmAction) -> dict[str, Any]:
    """The action as a CRM-neutral request: what a gateway is asked to do."""
    return {"action": action.kind, "lead_id": action.lead_id, **action.arguments}


async def run_action(
    session: AsyncSession, tenant_id: uuid.UUID, action: CrmAction, *, test: bool, env: CrmEnv
) -> ActionResult:
    gateway = await gateway_for(session, tenant_id)
    if gateway is not None:
        return await gateway.run(session, tenant_id, action, dry_run=test, env=env)
    if test:
        return ActionResult(
            action.kind,
            action.arguments,
            "dry_run",
            "Test conversation: recorded, nothing sent",
            describe(action),
        )
    return ActionResult(
        action.kind,
        action.arguments,
        "not_connected",
        "No CRM is connected to this workspace: recorded, nothing sent",
        describe(action),
    )


async def lead_facts(
    session: AsyncSession, tenant_id: uuid.UUID, lead_id: str | None, *, env: CrmEnv
) -> list[str]:
    if lead_id is None:
        return []
    gateway = await gateway_for(session, tenant_id)
    return await gateway.lead_facts(session, tenant_id, lead_id, env=env) if gateway else []
