"""What a rule's or a step's actions do, each once under its idempotency key, within the caps.

- CRM actions (move_stage, add_note, create_task, update_field, add_tags, remove_tags) go through
  the CRM interface (`chat.crm.run_action`): a dry run in a simulation, "not_connected" while no
  CRM is connected. A kind the CRM interface does not know yet is recorded as failed, "not
  supported by the CRM connection".
- start_sequence / stop_sequence enrol the lead or end its enrolments; hand_off passes the
  lead's conversation to a person.
- notify, agent_answers and send_message are events (`automation.notify`,
  `automation.agent_answers`, `automation.send_message`) whose handlers other domains register
  (Slack, the Kommo answering flow, the Kommo chat): each carries the action's key, so a handler
  that runs twice can tell.
- outgoing_webhook POSTs JSON signed with HMAC-SHA256 (`X-Signature: sha256=<hex>`), with the
  key as `Idempotency-Key`, within `AUTOMATION_WEBHOOK_TIMEOUT_SECONDS`.

Every action taken is a row of `automation_action` (unique per key): a second run under the
same key does nothing ("already done"). A step reserves its key in a transaction of its own
before it acts (`reserve`), so a worker that dies mid-step never repeats an action. The rows of
the last hour are what the per-lead and per-workspace caps count; what a cap holds back is
recorded as "held back: cap reached". An action that may come back as a CRM event (the stage
it moved to, the tags it added, the field it set) records that `effect`, for loop safety
(`engine`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import re
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, get_args
from urllib.parse import urlsplit

import httpx
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.automation import enrolments
from agentplatform.automation.models import AutomationAction
from agentplatform.chat import crm
from agentplatform.chat.models import Channel, Conversation, ConversationStatus
from agentplatform.chat.tools import handoff
from agentplatform.core import events
from agentplatform.core.db import utcnow
from agentplatform.core.scoped import scoped
from agentplatform.core.settings import Settings
from agentplatform.kommo.connection.service import box

NOTIFY = "automation.notify"
AGENT_ANSWERS = "automation.agent_answers"
SEND_MESSAGE = "automation.send_message"
CRM_KINDS = ("move_stage", "add_note", "create_task", "update_field", "add_tags", "remove_tags")
HELD_BACK = "held back: cap reached"
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\.([A-Za-z0-9_]+)\s*\}\}")

#: Reserves a key in a transaction of its own: True when this caller is the first.
Reserver = Callable[[str, str], Awaitable[bool]]


@dataclass
class ActionContext:
    tenant_id: uuid.UUID
    settings: Settings
    lead_id: int | None
    rule_id: uuid.UUID | None  # None: a sequence's step
    origin: str  # "rule:<id>" or "sequence:<id>": who acted, for enrolments and events
    template: dict[str, dict[str, Any]]  # {"lead": {...}, "event": {...}, "fields": {...}}
    event: dict[str, Any] = field(default_factory=dict)  # what a webhook sends
    dry_run: bool = False


def render(text: str, values: dict[str, dict[str, Any]]) -> str:
    """`{{lead.name}}`, `{{fields.budget}}`, `{{event.text}}`: unknown placeholders are empty."""

    def one(match: re.Match[str]) -> str:
        value = values.get(match.group(1), {}).get(match.group(2))
        return "" if value is None else str(value)

    return _PLACEHOLDER.sub(one, text)


def template_values(
    lead_id: int | None, lead_name: str, fields: dict[str, Any], event: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    return {
        "lead": {"id": lead_id, "name": lead_name},
        "fields": dict(fields),
        "event": {k: v for k, v in event.items() if isinstance(v, str | int | float)},
    }


def result(kind: str, outcome: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "outcome": outcome, "detail": detail, **extra}


def effect_of(action: dict[str, Any]) -> dict[str, Any] | None:
    """The CRM event this action may cause, which must not trigger its own rule again."""
    kind = action["kind"]
    if kind == "move_stage":
        return {"trigger": "stage_changed", "status_id": action["status_id"]}
    if kind == "add_tags":
        return {"trigger": "tag_added", "tags": list(action["tags"])}
    if kind == "update_field":
        return {"trigger": "field_changed", "field_ids": [action["field_id"]]}
    return None


def crm_action(action: dict[str, Any], ctx: ActionContext) -> crm.CrmAction | None:
    """The action as the CRM interface's `CrmAction` (the arguments the chat's tools use); None
    when the interface has no such kind yet."""
    kind = action["kind"]
    if kind not in get_args(crm.ActionKind):
        return None
    if kind == "move_stage":
        arguments: dict[str, Any] = {"stage": str(action["status_id"])}
        if action.get("pipeline_id"):
            arguments["pipeline_id"] = action["pipeline_id"]
    elif kind == "add_note":
        arguments = {"text": render(action["text"], ctx.template)}
    elif kind == "create_task":
        arguments = {
            "text": render(action["text"], ctx.template),
            "due_in_hours": action.get("due_in_hours", 24),
        }
    elif kind == "update_field":
        arguments = {"field": action["field_id"], "value": render(action["value"], ctx.template)}
    else:
        arguments = {"tags": list(action["tags"])}
    return crm.CrmAction(kind, arguments, str(ctx.lead_id))


async def _crm(session: AsyncSession, action: dict[str, Any], ctx: ActionContext) -> dict[str, Any]:
    kind = action["kind"]
    mapped = crm_action(action, ctx)
    if mapped is None:
        return result(kind, "failed", "not supported by the CRM connection")
    env = crm.CrmEnv(ctx.settings, None)  # the gateway opens its own Redis when given none
    done = await crm.run_action(session, ctx.tenant_id, mapped, test=ctx.dry_run, env=env)
    return result(kind, done.outcome, done.detail, request=done.request)


def _signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def _public_host(url: str, allow_private: bool) -> str | None:
    """Why the URL may not be called (None: it may)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "only http and https addresses can be called"
    if allow_private:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, port, type=socket.SOCK_STREAM
        )
    except socket.gaierror:
        return f"the host {parts.hostname} could not be found"
    if any(not ipaddress.ip_address(info[4][0]).is_global for info in infos):
        return f"{parts.hostname} points to a private or local address"
    return None


async def _webhook(action: dict[str, Any], ctx: ActionContext, key: str) -> dict[str, Any]:
    url = action["url"]
    body = json.dumps(
        {"key": key, "rule_id": str(ctx.rule_id) if ctx.rule_id else None, "origin": ctx.origin,
         "lead_id": ctx.lead_id, "event": ctx.event},
        default=str, separators=(",", ":"),
    ).encode()  # fmt: skip
    headers = {"Content-Type": "application/json", "Idempotency-Key": key}
    if action.get("secret_encrypted"):
        secret = box(ctx.settings).decrypt(action["secret_encrypted"])
        headers["X-Signature"] = _signature(secret, body)
    request = {"url": url, "signed": "X-Signature" in headers}
    if ctx.dry_run:
        return result("outgoing_webhook", "dry_run", "Simulation: nothing sent", request=request)
    refused = await _public_host(url, ctx.settings.url_fetch_allow_private)
    if refused:
        return result("outgoing_webhook", "failed", refused, request=request)
    try:
        async with httpx.AsyncClient(
            timeout=ctx.settings.automation_webhook_timeout_seconds, follow_redirects=False
        ) as http:
            response = await http.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return result("outgoing_webhook", "failed", f"{type(exc).__name__}", request=request)
    request["status"] = response.status_code
    if response.is_success:
        return result("outgoing_webhook", "done", f"HTTP {response.status_code}", request=request)
    return result("outgoing_webhook", "failed", f"HTTP {response.status_code}", request=request)


async def _lead_conversation(
    session: AsyncSession, tenant_id: uuid.UUID, lead_id: int
) -> Conversation | None:
    return await session.scalar(
        scoped(select(Conversation), Conversation, tenant_id)
        .where(
            Conversation.channel == Channel.kommo,
            Conversation.external_lead_id == str(lead_id),
            Conversation.status != ConversationStatus.closed,
        )
        .order_by(Conversation.last_message_at.desc().nulls_last())
        .limit(1)
    )


def _emit(session: AsyncSession, name: str, ctx: ActionContext, key: str, **extra: str) -> None:
    events.emit(
        session,
        name,
        tenant_id=str(ctx.tenant_id),
        lead_id=str(ctx.lead_id or ""),
        origin=ctx.origin,
        key=key,
        **extra,
    )


async def _perform(
    session: AsyncSession, action: dict[str, Any], ctx: ActionContext, key: str
) -> dict[str, Any]:
    kind = action["kind"]
    if kind == "outgoing_webhook":
        return await _webhook(action, ctx, key)
    if kind == "notify":
        text = render(action["text"], ctx.template)
        if ctx.dry_run:
            return result(kind, "dry_run", "Simulation: nothing sent", request={"text": text})
        _emit(session, NOTIFY, ctx, key, text=text, channel=action.get("channel", ""))
        return result(kind, "done", "notification queued", request={"text": text})
    if ctx.lead_id is None:
        return result(kind, "skipped", "the event has no lead")
    if kind in CRM_KINDS:
        return await _crm(session, action, ctx)
    if kind == "start_sequence":
        sequence_id = uuid.UUID(str(action["sequence_id"]))
        if ctx.dry_run:
            return result(kind, "dry_run", "Simulation: not enrolled")
        enrolment = await enrolments.enrol(
            session, ctx.tenant_id, sequence_id, ctx.lead_id, ctx.template, ctx.origin
        )
        if enrolment is None:
            return result(kind, "skipped", "the lead is already in this sequence")
        return result(kind, "done", "enrolled", enrolment_id=str(enrolment.id))
    if kind == "stop_sequence":
        if ctx.dry_run:
            return result(kind, "dry_run", "Simulation: nothing stopped")
        sequence = uuid.UUID(str(action["sequence_id"])) if action.get("sequence_id") else None
        count = await enrolments.stop_lead(
            session, ctx.tenant_id, ctx.lead_id, sequence, f"stopped by {ctx.origin}"
        )
        return result(kind, "done", f"{count} enrolment(s) stopped")
    if kind == "hand_off":
        conversation = await _lead_conversation(session, ctx.tenant_id, ctx.lead_id)
        if conversation is None:
            return result(kind, "skipped", "the lead has no conversation")
        if ctx.dry_run:
            return result(kind, "dry_run", "Simulation: not handed off")
        reason = render(action.get("reason", "Automation rule"), ctx.template)
        await handoff(session, ctx.tenant_id, conversation.id, reason, reason)
        return result(kind, "done", "handed off to a person")
    if kind in ("agent_answers", "send_message"):
        text = render(action.get("text") or action.get("instructions", ""), ctx.template)
        if ctx.dry_run:
            return result(kind, "dry_run", "Simulation: nothing sent", request={"text": text})
        name = AGENT_ANSWERS if kind == "agent_answers" else SEND_MESSAGE
        _emit(session, name, ctx, key, text=text)
        return result(kind, "done", "queued", request={"text": text})
    return result(kind, "failed", "unknown action")


async def _counted(
    session: AsyncSession, tenant_id: uuid.UUID, lead_id: int | None
) -> tuple[int, int]:
    since = utcnow() - timedelta(hours=1)
    recent = scoped(select(func.count()), AutomationAction, tenant_id).where(
        AutomationAction.created_at > since
    )
    tenant_total = int(await session.scalar(recent) or 0)
    lead_total = 0
    if lead_id is not None:
        lead_total = int(
            await session.scalar(recent.where(AutomationAction.lead_id == lead_id)) or 0
        )
    return lead_total, tenant_total


async def _cap_reached(session: AsyncSession, ctx: ActionContext) -> str | None:
    lead_total, tenant_total = await _counted(session, ctx.tenant_id, ctx.lead_id)
    if ctx.lead_id is not None and lead_total >= ctx.settings.automation_actions_per_lead_hour:
        return f"{HELD_BACK} ({ctx.settings.automation_actions_per_lead_hour} per lead an hour)"
    if tenant_total >= ctx.settings.automation_actions_per_tenant_hour:
        return (
            f"{HELD_BACK} ({ctx.settings.automation_actions_per_tenant_hour} per workspace an hour)"
        )
    return None


async def _claim_key(
    session: AsyncSession, ctx: ActionContext, key: str, kind: str
) -> AutomationAction | None:
    """The key's row, new in this session (None: a row under this key exists already)."""
    inserted = await session.scalar(
        insert(AutomationAction)
        .values(
            id=uuid.uuid4(),
            tenant_id=ctx.tenant_id,
            key=key,
            lead_id=ctx.lead_id,
            rule_id=ctx.rule_id,
            kind=kind,
            outcome="started",
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "key"])
        .returning(AutomationAction.id)
    )
    return None if inserted is None else await session.get(AutomationAction, inserted)


async def _reserved_row(
    session: AsyncSession, ctx: ActionContext, key: str
) -> AutomationAction | None:
    return await session.scalar(
        scoped(select(AutomationAction), AutomationAction, ctx.tenant_id).where(
            AutomationAction.key == key
        )
    )


async def run_actions(
    session: AsyncSession,
    ctx: ActionContext,
    actions: list[dict[str, Any]],
    key_prefix: str,
    *,
    reserve: Reserver | None = None,
) -> list[dict[str, Any]]:
    """Each action's result, in order; an action that fails does not stop the ones after it."""
    out = []
    for index, action in enumerate(actions):
        kind, key = action["kind"], f"{key_prefix}:{index}"
        if ctx.dry_run:
            out.append(await _perform(session, action, ctx, key))
            continue
        held = await _cap_reached(session, ctx)
        if held:
            out.append(result(kind, "held_back", held))
            continue
        if reserve is not None:
            if not await reserve(key, kind):
                out.append(result(kind, "skipped", "already attempted under this key"))
                continue
            row = await _reserved_row(session, ctx, key)
        else:
            row = await _claim_key(session, ctx, key, kind)
            if row is None:
                out.append(result(kind, "skipped", "already done under this key"))
                continue
        try:
            done = await _perform(session, action, ctx, key)
        except Exception as exc:  # one broken action is recorded, the others still run
            done = result(kind, "failed", f"{type(exc).__name__}: {exc}"[:500])
        if row is not None:
            row.outcome = done["outcome"]
            row.effect = effect_of(action)
        out.append({**done, "key": key})
    await session.flush()
    return out


async def reserve_in(
    session: AsyncSession, tenant_id: uuid.UUID, lead_id: int | None, key: str, kind: str
) -> bool:
    """Inserts the key's row in `session` (the caller commits it at once); False if taken."""
    inserted = await session.scalar(
        insert(AutomationAction)
        .values(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            key=key,
            lead_id=lead_id,
            kind=kind,
            outcome="started",
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "key"])
        .returning(AutomationAction.id)
    )
    return inserted is not None
