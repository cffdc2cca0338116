"""Rules: create, change (every change is a revision, like agents'), switch on and off,
delete, revisions (view, restore), and the runs they left."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.automation.definitions import changed_fields, check_sequences, stored_actions
from agentplatform.automation.models import (
    AutomationRule,
    AutomationRuleRevision,
    RuleRun,
    RunOutcome,
)
from agentplatform.automation.schemas import RuleCreate, RuleUpdate
from agentplatform.core.errors import FieldError, ValidationFailed
from agentplatform.core.pagination import PageParams, paginate
from agentplatform.core.scoped import get_scoped, get_scoped_where, scoped
from agentplatform.core.settings import Settings

FIELDS = (
    "name",
    "description",
    "enabled",
    "priority",
    "stop_processing",
    "trigger",
    "conditions",
    "actions",
)


def snapshot_of(rule: AutomationRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in FIELDS}


async def _record(
    session: AsyncSession, rule: AutomationRule, changed: list[str], actor: str, note: str = ""
) -> None:
    session.add(
        AutomationRuleRevision(
            tenant_id=rule.tenant_id,
            rule_id=rule.id,
            version=rule.version,
            snapshot=snapshot_of(rule),
            changed_fields=changed,
            actor=actor[:100],
            note=note[:200],
        )
    )
    await session.flush()


def _values(
    data: RuleCreate | RuleUpdate, settings: Settings, previous: list[dict[str, Any]]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in data.model_fields_set & set(FIELDS):
        if name == "actions" and data.actions is not None:
            values[name] = stored_actions(data.actions, settings, previous)
        else:
            values[name] = data.model_dump(mode="json", include={name})[name]
    if "trigger" in values:
        values["trigger_kind"] = values["trigger"]["kind"]
    return values


async def get_rule(
    session: AsyncSession, tenant_id: uuid.UUID, rule_id: uuid.UUID, *, lock: bool = False
) -> AutomationRule:
    return await get_scoped(
        session, AutomationRule, tenant_id, rule_id, "Rule not found", for_update=lock
    )


async def list_rules(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    params: PageParams,
    *,
    enabled: bool | None = None,
    trigger: str | None = None,
) -> tuple[list[AutomationRule], int]:
    stmt = scoped(select(AutomationRule), AutomationRule, tenant_id)
    if enabled is not None:
        stmt = stmt.where(AutomationRule.enabled == enabled)
    if trigger is not None:
        stmt = stmt.where(AutomationRule.trigger_kind == trigger)
    stmt = stmt.order_by(
        AutomationRule.priority, func.lower(AutomationRule.name), AutomationRule.id
    )
    return await paginate(session, stmt, params)


async def create_rule(
    session: AsyncSession, settings: Settings, tenant_id: uuid.UUID, data: RuleCreate, actor: str
) -> AutomationRule:
    await check_sequences(session, tenant_id, [("body.actions", data.actions)])
    values = _values(data, settings, [])
    values.setdefault("conditions", [])
    rule = AutomationRule(tenant_id=tenant_id, version=1, **{**_defaults(data), **values})
    session.add(rule)
    await session.flush()
    await _record(session, rule, list(FIELDS), actor, "created")
    return rule


def _defaults(data: RuleCreate) -> dict[str, Any]:
    return {name: data.model_dump(mode="json", include={name})[name] for name in FIELDS[:5]}


async def update_rule(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    rule_id: uuid.UUID,
    data: RuleUpdate,
    actor: str,
    note: str = "",
) -> AutomationRule:
    rule = await get_rule(session, tenant_id, rule_id, lock=True)
    nulls = sorted(f for f in data.model_fields_set if getattr(data, f) is None)
    if nulls:
        raise ValidationFailed(
            "These fields cannot be null",
            errors=[FieldError.at(f"body.{f}", "may not be null", "null") for f in nulls],
        )
    if data.actions is not None:
        await check_sequences(session, tenant_id, [("body.actions", data.actions)])
    before = snapshot_of(rule)
    for name, value in _values(data, settings, rule.actions).items():
        setattr(rule, name, value)
    changed = changed_fields(before, snapshot_of(rule))
    if changed:
        rule.version += 1
        await session.flush()
        await _record(session, rule, changed, actor, note)
    return rule


async def set_enabled(
    session: AsyncSession,
    settings: Settings,
    tenant_id: uuid.UUID,
    rule_id: uuid.UUID,
    enabled: bool,
    actor: str,
) -> AutomationRule:
    return await update_rule(
        session, settings, tenant_id, rule_id, RuleUpdate(enabled=enabled), actor
    )


async def delete_rule(session: AsyncSession, tenant_id: uuid.UUID, rule_id: uuid.UUID) -> None:
    await session.delete(await get_rule(session, tenant_id, rule_id))
    await session.flush()


async def list_revisions(
    session: AsyncSession, tenant_id: uuid.UUID, rule_id: uuid.UUID, params: PageParams
) -> tuple[list[AutomationRuleRevision], int]:
    await get_rule(session, tenant_id, rule_id)
    stmt = (
        scoped(select(AutomationRuleRevision), AutomationRuleRevision, tenant_id)
        .where(AutomationRuleRevision.rule_id == rule_id)
        .order_by(AutomationRuleRevision.version.desc())
    )
    return await paginate(session, stmt, params)


async def get_revision(
    session: AsyncSession, tenant_id: uuid.UUID, rule_id: uuid.UUID, version: int
) -> AutomationRuleRevision:
    return await get_scoped_where(
        session,
        AutomationRuleRevision,
        tenant_id,
        f"Revision {version} not found",
        AutomationRuleRevision.rule_id == rule_id,
        AutomationRuleRevision.version == version,
    )


async def restore_revision(
    session: AsyncSession, tenant_id: uuid.UUID, rule_id: uuid.UUID, version: int, actor: str
) -> AutomationRule:
    """That version's definition, current again as a new revision."""
    rule = await get_rule(session, tenant_id, rule_id, lock=True)
    revision = await get_revision(session, tenant_id, rule_id, version)
    before = snapshot_of(rule)
    for name in FIELDS:
        setattr(rule, name, revision.snapshot[name])
    rule.trigger_kind = rule.trigger["kind"]
    changed = changed_fields(before, snapshot_of(rule))
    if changed:
        rule.version += 1
        await session.flush()
        await _record(session, rule, changed, actor, f"restored version {version}")
    return rule


async def list_runs(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    params: PageParams,
    *,
    rule_id: uuid.UUID | None = None,
    lead_id: int | None = None,
    outcome: RunOutcome | None = None,
) -> tuple[list[RuleRun], int]:
    stmt = scoped(select(RuleRun), RuleRun, tenant_id)
    if rule_id is not None:
        stmt = stmt.where(RuleRun.rule_id == rule_id)
    if lead_id is not None:
        stmt = stmt.where(RuleRun.lead_id == lead_id)
    if outcome is not None:
        stmt = stmt.where(RuleRun.outcome == outcome)
    stmt = stmt.order_by(RuleRun.created_at.desc(), RuleRun.id.desc())
    return await paginate(session, stmt, params)
