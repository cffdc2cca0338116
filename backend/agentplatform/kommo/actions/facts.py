"""A lead as a few short lines for the agent's context: stage, price, owner, tags, fields and the
main contact, by their names in the account."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from agentplatform.kommo.actions.directory import Directory, directory
from agentplatform.kommo.client import KommoClient
from agentplatform.kommo.client.models import CustomFieldValue, Lead

MAX_FIELDS = 12
MAX_VALUE_CHARS = 200


def _shown(value: Any, field_type: str | None) -> str:
    if field_type in ("date", "birthday", "date_time") and isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, UTC)
        return moment.date().isoformat() if field_type != "date_time" else moment.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _field_line(value: CustomFieldValue, names: Directory) -> str | None:
    known = next((f for f in names.lead_fields if f.id == value.field_id), None)
    name = value.field_name or (known.name if known else None) or value.field_code
    shown = [
        _shown(item.value, value.field_type or (known.type if known else None))
        for item in value.values or ()
        if item.value not in (None, "")
    ]
    if not name or not shown:
        return None
    return f"{name}: {', '.join(shown)}"[:MAX_VALUE_CHARS]


def lead_lines(
    lead: Lead, names: Directory, contact_name: str | None, *, hidden: frozenset[int] = frozenset()
) -> list[str]:
    """`hidden`: fields not shown (the field replies are written into for a salesbot)."""
    pipeline = names.pipeline(lead.pipeline_id)
    stage = names.stage(lead.pipeline_id, lead.status_id)
    lines = [f"Lead: {lead.name or 'unnamed'} (Kommo lead {lead.id})"]
    lines.append(
        f"Pipeline: {pipeline.name if pipeline else lead.pipeline_id}; "
        f"stage: {stage.name if stage else lead.status_id}"
    )
    if lead.price:
        lines.append(f"Price: {lead.price}")
    owner = names.user(lead.responsible_user_id)
    if owner is not None:
        lines.append(f"Responsible: {owner.name}")
    tags = [tag.name for tag in lead.embedded.tags]
    if tags:
        lines.append(f"Tags: {', '.join(tags)}")
    fields = [
        _field_line(v, names)
        for v in lead.custom_fields_values or ()
        if v.field_id is None or v.field_id not in hidden
    ]
    lines += [line for line in fields if line][:MAX_FIELDS]
    if contact_name:
        lines.append(f"Main contact: {contact_name}")
    return lines


async def facts_of(
    client: KommoClient,
    redis: Redis,
    account_id: int,
    lead_id: int,
    *,
    hidden: frozenset[int] = frozenset(),
) -> list[str]:
    lead = await client.get_lead(lead_id)
    if lead is None:
        return []
    names = await directory(client, redis, account_id)
    contacts = lead.embedded.contacts
    main = next((c for c in contacts if c.is_main), contacts[0] if contacts else None)
    contact = await client.get_contact(main.id) if main is not None else None
    return lead_lines(lead, names, contact.name if contact else None, hidden=hidden)
