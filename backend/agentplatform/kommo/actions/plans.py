"""Each agent action as the one Kommo request that carries it out, resolved against the lead and
the account's names. A name that matches nothing is refused with what would match, never guessed.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from agentplatform.kommo.actions.directory import Directory
from agentplatform.kommo.client.models import CustomField, Lead

TASK_FOLLOW_UP = 1  # Kommo's task type "follow-up"
_TEXT_TYPES = {"text", "textarea", "url", "streetaddress"}
_NUMBER_TYPES = {"numeric", "price", "monetary"}
_ENUM_TYPES = {"select", "radiobutton"}
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


class Refused(Exception):
    """The action cannot be carried out as asked; the message says why (for the agent)."""


@dataclass(frozen=True)
class KommoRequest:
    method: str
    path: str
    json: Any
    done: str = "Done"  # what it did, for the agent

    def as_record(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "json": self.json}


def _names(items: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in items[:30])


def move_stage(lead: Lead, names: Directory, stage: str) -> KommoRequest:
    pipeline = names.pipeline(lead.pipeline_id)
    if pipeline is None:
        raise Refused(f"The lead's pipeline {lead.pipeline_id} is not in the account")
    # The incoming (unsorted) stage takes no lead moved by hand.
    statuses = [s for s in pipeline.embedded.statuses if s.type == 0]
    ref = stage.strip()
    found = next((s for s in statuses if ref.isdigit() and s.id == int(ref)), None) or next(
        (s for s in statuses if s.name.strip().casefold() == ref.casefold()), None
    )
    if found is None:
        raise Refused(
            f'No stage "{ref}" in the pipeline "{pipeline.name}"; '
            f"its stages are {_names([s.name for s in statuses])}"
        )
    body = {"status_id": found.id, "pipeline_id": pipeline.id}
    done = f'The lead was moved to the stage "{found.name}" of "{pipeline.name}"'
    return KommoRequest("PATCH", f"/api/v4/leads/{lead.id}", body, done)


def add_note(lead: Lead, text: str) -> KommoRequest:
    note = {"entity_id": lead.id, "note_type": "common", "params": {"text": text}}
    return KommoRequest("POST", "/api/v4/leads/notes", [note], "The note was added to the lead")


def create_task(
    lead: Lead, text: str, *, due_in_hours: int, due_at: str | None, now: float | None = None
) -> KommoRequest:
    current = time.time() if now is None else now
    if due_at is not None:
        moment = datetime.fromisoformat(due_at)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        due = int(moment.timestamp())
        if due <= current:
            raise Refused(f"The task's due time {due_at} is in the past")
    else:
        due = int(current) + due_in_hours * 3600
    task: dict[str, Any] = {
        "text": text,
        "complete_till": due,
        "entity_id": lead.id,
        "entity_type": "leads",
        "task_type_id": TASK_FOLLOW_UP,
    }
    if lead.responsible_user_id:
        task["responsible_user_id"] = lead.responsible_user_id
    when = datetime.fromtimestamp(due, UTC).isoformat(timespec="minutes")
    done = f"The task was created for the lead's salesperson, due {when}"
    return KommoRequest("POST", "/api/v4/tasks", [task], done)


def update_field(lead: Lead, names: Directory, field_ref: str, value: str) -> KommoRequest:
    found = names.lead_field(field_ref)
    if found is None:
        raise Refused(
            f'No lead field "{field_ref.strip()}"; the fields are '
            f"{_names([f.name for f in names.lead_fields])}"
        )
    values = field_values(found, value)
    body = {"custom_fields_values": [{"field_id": found.id, "values": values}]}
    done = f'The field "{found.name}" was set'
    return KommoRequest("PATCH", f"/api/v4/leads/{lead.id}", body, done)


def _enum(found: CustomField, choice: str) -> dict[str, Any]:
    enums = found.enums or []
    wanted = choice.strip()
    match = next((e for e in enums if wanted.isdigit() and e.id == int(wanted)), None) or next(
        (e for e in enums if e.value.strip().casefold() == wanted.casefold()), None
    )
    if match is None:
        raise Refused(
            f'"{wanted}" is not a choice of the field "{found.name}"; '
            f"its choices are {_names([e.value for e in enums])}"
        )
    return {"enum_id": match.id}


def _timestamp(found: CustomField, value: str) -> int:
    try:
        if found.type == "date_time":
            moment = datetime.fromisoformat(value)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        else:
            day = date.fromisoformat(value[:10])
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    except ValueError:
        raise Refused(
            f'The field "{found.name}" takes a date (YYYY-MM-DD), not "{value}"'
        ) from None
    return int(moment.timestamp())


def field_values(found: CustomField, value: str) -> list[dict[str, Any]]:
    """`value` as the field's type takes it, or `Refused` saying what it takes."""
    text = value.strip()
    if not text:
        raise Refused(f'Give a value for the field "{found.name}"')
    if found.type in _TEXT_TYPES:
        return [{"value": text}]
    if found.type in _NUMBER_TYPES:
        try:
            number = float(text.replace(" ", "").replace(",", "."))
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise Refused(f'The field "{found.name}" takes a number, not "{text}"')
        return [{"value": int(number) if number.is_integer() else number}]
    if found.type == "checkbox":
        if text.casefold() not in _TRUE | _FALSE:
            raise Refused(f'The field "{found.name}" takes yes or no, not "{text}"')
        return [{"value": text.casefold() in _TRUE}]
    if found.type in _ENUM_TYPES:
        return [_enum(found, text)]
    if found.type == "multiselect":
        return [_enum(found, part) for part in text.split(",") if part.strip()]
    if found.type in ("date", "date_time", "birthday"):
        return [{"value": _timestamp(found, text)}]
    raise Refused(f'The field "{found.name}" ({found.type}) cannot be set by the agent')


def add_tags(lead: Lead, tags: list[str]) -> KommoRequest | None:
    """The lead's tag set with `tags` added (a PATCH replaces the set); None: nothing new."""
    current = lead.embedded.tags
    known = {tag.name.casefold() for tag in current}
    new: list[str] = []
    for tag in tags:
        if tag.casefold() not in known:
            known.add(tag.casefold())
            new.append(tag)
    if not new:
        return None
    kept = [{"id": t.id, "name": t.name} if t.id else {"name": t.name} for t in current]
    body = {"_embedded": {"tags": kept + [{"name": name} for name in new]}}
    done = f"The lead was tagged {', '.join(new)}"
    return KommoRequest("PATCH", f"/api/v4/leads/{lead.id}", body, done)
