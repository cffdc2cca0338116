"""The simulated Kommo account: its objects in Kommo's v4 wire shape, and the seed.

Everything is plain JSON-shaped dicts keyed by id, exactly what the REST API returns (minus
`_links`, added when answering). One lock guards it: the server's thread and the test's thread
both read and write. `seed()` builds a small realistic account: two pipelines (each with an
incoming stage and Kommo's system stages 142 won / 143 lost), three users, custom fields for
leads and contacts (with enums), a few leads, contacts and companies, a talk.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

WON, LOST = 142, 143
ENTITIES = ("leads", "contacts", "companies")
ELEMENT_TYPE = {"contacts": 1, "leads": 2, "companies": 3}  # the numbers webhooks use
Obj = dict[str, Any]


@dataclass
class AccountState:
    """One Kommo account. Ids come from one counter, as unique as Kommo's."""

    account_id: int
    subdomain: str
    amojo_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    lock: threading.RLock = field(default_factory=threading.RLock)
    users: dict[int, Obj] = field(default_factory=dict)
    pipelines: dict[int, Obj] = field(default_factory=dict)
    custom_fields: dict[str, dict[int, Obj]] = field(
        default_factory=lambda: {entity: {} for entity in ENTITIES}
    )
    entities: dict[str, dict[int, Obj]] = field(
        default_factory=lambda: {entity: {} for entity in ENTITIES}
    )
    notes: dict[int, Obj] = field(default_factory=dict)
    tasks: dict[int, Obj] = field(default_factory=dict)
    tags: dict[str, dict[int, Obj]] = field(
        default_factory=lambda: {entity: {} for entity in ENTITIES}
    )
    sources: dict[int, Obj] = field(default_factory=dict)
    talks: dict[int, Obj] = field(default_factory=dict)
    webhooks: dict[str, Obj] = field(default_factory=dict)  # by destination
    salesbot_runs: list[Obj] = field(default_factory=list)  # POST /api/v2/salesbot/run
    events: list[Obj] = field(default_factory=list)  # the events log, oldest first (`audit`)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1_000_001))

    def next_id(self) -> int:
        return next(self._ids)

    @property
    def admin_id(self) -> int:
        return min(self.users)

    def status(self, pipeline_id: int, status_id: int) -> Obj | None:
        pipeline = self.pipelines.get(pipeline_id)
        if pipeline is None:
            return None
        for status in pipeline["_embedded"]["statuses"]:
            if status["id"] == status_id:
                return dict(status)
        return None

    def main_pipeline(self) -> Obj:
        return next(p for p in self.pipelines.values() if p["is_main"])

    def first_stage(self, pipeline_id: int) -> int:
        statuses = self.pipelines[pipeline_id]["_embedded"]["statuses"]
        normal = [s for s in statuses if s["type"] == 0 and s["id"] not in (WON, LOST)]
        return int(min(normal, key=lambda s: s["sort"])["id"])

    def tag(self, entity: str, name: str) -> Obj:
        """The entity type's tag called `name`, created if new (as Kommo does on write)."""
        for tag in self.tags[entity].values():
            if tag["name"].lower() == name.lower():
                return tag
        tag = {"id": self.next_id(), "name": name, "color": None}
        self.tags[entity][tag["id"]] = tag
        return tag


def now() -> int:
    return int(time.time())


def _pipeline(state: AccountState, name: str, *, main: bool, stages: list[str]) -> None:
    pipeline_id = state.next_id()
    statuses: list[Obj] = [
        _status(state, pipeline_id, state.next_id(), "Incoming leads", 10, type_=1, editable=False)
    ]
    for index, stage in enumerate(stages):
        statuses.append(_status(state, pipeline_id, state.next_id(), stage, 20 + 10 * index))
    statuses.append(_status(state, pipeline_id, WON, "Closed - won", 10000, editable=False))
    statuses.append(_status(state, pipeline_id, LOST, "Closed - lost", 11000, editable=False))
    state.pipelines[pipeline_id] = {
        "id": pipeline_id,
        "name": name,
        "sort": 1 if main else 2,
        "is_main": main,
        "is_unsorted_on": True,
        "is_archive": False,
        "account_id": state.account_id,
        "_embedded": {"statuses": statuses},
    }


def _status(
    state: AccountState,
    pipeline_id: int,
    status_id: int,
    name: str,
    sort: int,
    *,
    type_: int = 0,
    editable: bool = True,
) -> Obj:
    return {
        "id": status_id,
        "name": name,
        "sort": sort,
        "is_editable": editable,
        "pipeline_id": pipeline_id,
        "color": "#99ccff",
        "type": type_,
        "account_id": state.account_id,
    }


def _field(state: AccountState, entity: str, name: str, type_: str, **extra: Any) -> Obj:
    field_id = state.next_id()
    enums = extra.pop("enums", None)
    obj: Obj = {
        "id": field_id,
        "name": name,
        "type": type_,
        "code": extra.pop("code", None),
        "sort": 500 + len(state.custom_fields[entity]),
        "is_api_only": False,
        "entity_type": entity,
        "group_id": None,
        "is_deletable": extra.pop("is_deletable", True),
        "is_predefined": False,
        "enums": None,
        **extra,
    }
    if enums is not None:
        obj["enums"] = [
            {"id": state.next_id(), "value": value, "sort": 10 * (i + 1)}
            for i, value in enumerate(enums)
        ]
    state.custom_fields[entity][field_id] = obj
    return obj


def field_by_code(state: AccountState, entity: str, code: str) -> Obj:
    return next(f for f in state.custom_fields[entity].values() if f["code"] == code)


def seed(account_id: int | None = None, subdomain: str = "acme") -> AccountState:
    state = AccountState(
        account_id=account_id or 30_000_000 + secrets.randbelow(999_999), subdomain=subdomain
    )
    for name, email in (
        ("Ada Admin", "ada@example.com"),
        ("Sam Sales", "sam@example.com"),
        ("Rita Rep", "rita@example.com"),
    ):
        user_id = state.next_id()
        state.users[user_id] = {
            "id": user_id,
            "name": name,
            "email": email,
            "lang": "en",
            "amojo_id": str(uuid.uuid4()),
            "rights": {"is_admin": user_id == min(state.users, default=user_id)},
        }
    _pipeline(state, "Sales", main=True, stages=["Qualification", "Proposal", "Negotiation"])
    _pipeline(state, "Partners", main=False, stages=["Contacted", "Onboarding"])

    _field(state, "leads", "Channel", "text")
    interest = _field(state, "leads", "Interest", "select", enums=["Basic", "Premium", "Custom"])
    _field(state, "leads", "Budget", "numeric")
    _field(state, "leads", "Demo date", "date")
    _field(
        state,
        "contacts",
        "Phone",
        "multitext",
        code="PHONE",
        is_deletable=False,
        enums=["WORK", "MOB", "HOME", "OTHER"],
    )
    _field(
        state,
        "contacts",
        "Email",
        "multitext",
        code="EMAIL",
        is_deletable=False,
        enums=["WORK", "PRIV", "OTHER"],
    )
    _field(state, "contacts", "Position", "text", code="POSITION")
    _field(state, "companies", "Web", "url", code="WEB")

    phone_field = field_by_code(state, "contacts", "PHONE")
    email_field = field_by_code(state, "contacts", "EMAIL")
    created = now() - 86_400
    people = (
        ("Jane Client", "+14155551234", "jane@example.org"),
        ("Omar Buyer", "+442071234567", "omar@example.org"),
        ("Li Wei", "+8613800138000", "li@example.org"),
    )
    company_id = state.next_id()
    state.entities["companies"][company_id] = _party(state, company_id, "Globex Ltd", created)
    main = state.main_pipeline()
    for index, (name, phone_number, address) in enumerate(people):
        contact_id = state.next_id()
        contact = _party(state, contact_id, name, created)
        first, _, last = name.partition(" ")
        contact.update(first_name=first, last_name=last)
        contact["custom_fields_values"] = [
            _multitext(phone_field, phone_number, "WORK"),
            _multitext(email_field, address, "WORK"),
        ]
        contact["_embedded"]["companies"] = [{"id": company_id}] if index == 0 else []
        state.entities["contacts"][contact_id] = contact
        lead_id = state.next_id()
        state.entities["leads"][lead_id] = {
            "id": lead_id,
            "name": f"Enquiry from {first}",
            "price": 1000 * (index + 1),
            "responsible_user_id": state.admin_id,
            "group_id": 0,
            "status_id": state.first_stage(main["id"]),
            "pipeline_id": main["id"],
            "loss_reason_id": None,
            "created_by": state.admin_id,
            "updated_by": state.admin_id,
            "created_at": created,
            "updated_at": created,
            "closed_at": None,
            "closest_task_at": None,
            "is_deleted": False,
            "score": None,
            "account_id": state.account_id,
            "labor_cost": None,
            "custom_fields_values": [
                {
                    "field_id": interest["id"],
                    "field_name": "Interest",
                    "field_code": None,
                    "field_type": "select",
                    "values": [
                        {
                            "value": interest["enums"][1]["value"],
                            "enum_id": interest["enums"][1]["id"],
                        }
                    ],
                }
            ],
            "_embedded": {
                "tags": [dict(state.tag("leads", "website"))],
                "contacts": [{"id": contact_id, "is_main": True}],
                "companies": [{"id": company_id}] if index == 0 else [],
            },
        }
        contact["_embedded"]["leads"] = [{"id": lead_id}]
    first_lead = min(state.entities["leads"])
    first_contact = min(state.entities["contacts"])
    state.talks[191] = {
        "talk_id": 191,
        "created_at": created,
        "updated_at": created,
        "rate": 0,
        "contact_id": first_contact,
        "chat_id": str(uuid.uuid4()),
        "entity_id": first_lead,
        "entity_type": "lead",
        "is_in_work": True,
        "is_read": False,
        "origin": "telegram",
        "missed_at": None,
        "account_id": state.account_id,
        "_embedded": {"contacts": [{"id": first_contact}], "leads": [{"id": first_lead}]},
    }
    return state


def _party(state: AccountState, obj_id: int, name: str, created: int) -> Obj:
    return {
        "id": obj_id,
        "name": name,
        "responsible_user_id": state.admin_id,
        "group_id": 0,
        "created_by": state.admin_id,
        "updated_by": state.admin_id,
        "created_at": created,
        "updated_at": created,
        "is_deleted": False,
        "custom_fields_values": None,
        "account_id": state.account_id,
        "_embedded": {"tags": [], "leads": [], "contacts": [], "companies": []},
    }


def _multitext(field_obj: Obj, value: str, enum_code: str) -> Obj:
    enum = next(e for e in field_obj["enums"] if e["value"] == enum_code)
    return {
        "field_id": field_obj["id"],
        "field_name": field_obj["name"],
        "field_code": field_obj["code"],
        "field_type": "multitext",
        "values": [{"value": value, "enum_id": enum["id"], "enum_code": enum_code}],
    }
