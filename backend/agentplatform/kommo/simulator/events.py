"""Account-webhook events in Kommo's real (v2-era) shapes, and the bodies that carry them.

An event is `WebhookEvent(setting, section, action, payload)`: `setting` is the subscription key
(`status_lead`), `section` and `action` the top-level keys (`leads[status]`), `payload` one item.
`webhook_body` batches events into one form body, `account[...]` first (as recent bodies have
it; `account_first=False` puts it last, as older ones did). The shapes differ from v4 REST, as
Kommo's do: custom fields are `custom_fields[i][id|name|code|values][j][value|enum]`, companies
come under `contacts` with `type=company`, note types are numbers, note dates are
`YYYY-MM-DD HH:MM:SS` strings, tasks are under the singular `task`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import orjson

from agentplatform.kommo.forms import encode_form
from agentplatform.kommo.simulator.state import ELEMENT_TYPE, AccountState, Obj

NOTE_TYPE_NUMBERS = {
    "common": 4,
    "attachment": 5,
    "call_in": 10,
    "call_out": 11,
    "service_message": 25,
    "extended_service_message": 26,
    "geolocation": 24,
    "sms_in": 102,
    "sms_out": 103,
}


@dataclass(frozen=True)
class WebhookEvent:
    setting: str
    section: str
    action: str
    payload: Obj


def webhook_body(
    state: AccountState, base_url: str, events: list[WebhookEvent], *, account_first: bool = True
) -> bytes:
    grouped: dict[str, dict[str, list[Obj]]] = {}
    for event in events:
        grouped.setdefault(event.section, {}).setdefault(event.action, []).append(event.payload)
    account = {"subdomain": state.subdomain, "id": state.account_id, "_links": {"self": base_url}}
    data: dict[str, Any] = {"account": account, **grouped} if account_first else {**grouped}
    if not account_first:
        data["account"] = account
    return encode_form(data)


def _custom_fields(values: list[Obj] | None) -> list[Obj]:
    out = []
    for value in values or ():
        item: Obj = {"id": value["field_id"], "name": value.get("field_name") or ""}
        if value.get("field_code"):
            item["code"] = value["field_code"]
        item["values"] = [
            {
                k: v
                for k, v in (("value", val.get("value")), ("enum", val.get("enum_id")))
                if v is not None
            }
            for val in value.get("values") or ()
        ]
        out.append(item)
    return out


def _common(obj: Obj) -> Obj:
    return {
        "id": obj["id"],
        "name": obj.get("name") or "",
        "responsible_user_id": obj.get("responsible_user_id"),
        "date_create": obj.get("created_at"),
        "last_modified": obj.get("updated_at"),
        "created_user_id": obj.get("created_by"),
        "modified_user_id": obj.get("updated_by"),
        "account_id": obj.get("account_id"),
        "created_at": obj.get("created_at"),
        "updated_at": obj.get("updated_at"),
        "custom_fields": _custom_fields(obj.get("custom_fields_values")),
        "tags": [{"id": t["id"], "name": t["name"]} for t in obj["_embedded"].get("tags") or ()],
    }


def lead_event(action: str, lead: Obj, old: Obj | None = None) -> WebhookEvent:
    """`action`: add, update, status, responsible, delete, restore (settings `<x>_lead`)."""
    payload = _common(lead)
    payload.update(
        status_id=lead["status_id"], pipeline_id=lead["pipeline_id"], price=lead.get("price") or 0
    )
    if old is not None and action == "status":
        payload["old_status_id"] = old["status_id"]
        payload["old_pipeline_id"] = old["pipeline_id"]
    if not payload["custom_fields"]:
        del payload["custom_fields"]
    setting = "status_lead" if action == "status" else f"{action}_lead"
    return WebhookEvent(setting, "leads", action, payload)


def party_event(action: str, obj: Obj, kind: str) -> WebhookEvent:
    """A contact or a company (`kind`): both under `contacts[...]`, told apart by `type`."""
    payload = _common(obj)
    payload["type"] = kind
    if not payload["custom_fields"]:
        del payload["custom_fields"]
    return WebhookEvent(f"{action}_{kind}", "contacts", action, payload)


def note_event(entity: str, note: Obj) -> WebhookEvent:
    created = note.get("created_at") or int(time.time())
    body: Obj = {
        "id": note["id"],
        "text": note["params"].get("text", ""),
        "note_type": NOTE_TYPE_NUMBERS.get(note["note_type"], 4),
        "element_type": ELEMENT_TYPE[entity],
        "element_id": note["entity_id"],
        "attachement": "",
        "date_create": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(created)),
        "created_by": note.get("created_by"),
        "main_user_id": note.get("responsible_user_id"),
        "metadata": orjson.dumps(
            {"event_source": {"id": note.get("created_by"), "type": 1}}
        ).decode(),
        "account_id": note.get("account_id"),
        "created_at": created,
        "updated_at": note.get("updated_at") or created,
    }
    kind = {"leads": "lead", "contacts": "contact", "companies": "company"}[entity]
    if entity == "leads":
        return WebhookEvent("note_lead", "leads", "note", {"note": body})
    return WebhookEvent(f"note_{kind}", "contacts", "note", {"note": body, "type": kind})


def message_event(
    state: AccountState, talk: Obj, text: str, *, message_id: str, incoming: bool = True
) -> WebhookEvent:
    """An incoming (client) or outgoing (manager) chat message on a talk's lead."""
    author = (
        {"id": f"client-{talk['contact_id']}", "type": "external", "name": "Client"}
        if incoming
        else {
            "id": str(state.users[state.admin_id]["amojo_id"]),
            "type": "user",
            "name": state.users[state.admin_id]["name"],
        }
    )
    payload = {
        "id": message_id,
        "chat_id": talk["chat_id"],
        "talk_id": talk["talk_id"],
        "contact_id": talk["contact_id"],
        "text": text,
        "created_at": int(time.time()),
        "element_type": 2 if talk["entity_type"] == "lead" else 1,
        "entity_type": talk["entity_type"],
        "element_id": talk["entity_id"],
        "entity_id": talk["entity_id"],
        "type": "incoming" if incoming else "outgoing",
        "author": author,
        "origin": talk["origin"],
    }
    return WebhookEvent("add_message", "message", "add", payload)


def talk_event(action: str, talk: Obj) -> WebhookEvent:
    fields = (
        "talk_id",
        "created_at",
        "updated_at",
        "rate",
        "contact_id",
        "chat_id",
        "entity_id",
        "entity_type",
        "is_in_work",
        "is_read",
        "origin",
    )
    return WebhookEvent(f"{action}_talk", "talk", action, {k: talk.get(k) for k in fields})


def task_event(action: str, task: Obj) -> WebhookEvent:
    till = task.get("complete_till") or 0
    payload = {
        "id": task["id"],
        "element_id": task.get("entity_id"),
        "element_type": ELEMENT_TYPE.get(task.get("entity_type") or "", 2),
        "task_type": task.get("task_type_id"),
        "text": task.get("text"),
        "status": 1 if task.get("is_completed") else 0,
        "responsible_user_id": task.get("responsible_user_id"),
        "complete_till": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(till)),
        "complete_before": till,
        "account_id": task.get("account_id"),
        "created_at": task.get("created_at"),
        "updated_at": task.get("updated_at"),
    }
    return WebhookEvent(f"{action}_task", "task", action, payload)


def changes_to_events(entity: str, action: str, new: Obj, old: Obj | None) -> list[WebhookEvent]:
    """What Kommo would send for a change made through the REST API."""
    if action == "note":
        return [note_event(entity, new)]
    verb = "add" if action == "add" else "update"
    if entity == "leads":
        events = [lead_event(verb, new)]
        if old is not None and (old["status_id"], old["pipeline_id"]) != (
            new["status_id"],
            new["pipeline_id"],
        ):
            events.append(lead_event("status", new, old))
        if old is not None and old.get("responsible_user_id") != new.get("responsible_user_id"):
            events.append(lead_event("responsible", new, old))
        return events
    kind = "company" if entity == "companies" else "contact"
    return [party_event(verb, new, kind)]
