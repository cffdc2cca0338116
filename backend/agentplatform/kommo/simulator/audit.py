"""The simulator's events log (`GET /api/v4/events`), the source a reconciliation reads when
webhooks were missed.

Every change the simulator makes as Kommo would (a stage moved, a lead, contact or company
added, a responsible changed, a chat message) is logged as Kommo's event object
`{id, type, entity_id, entity_type, created_by, created_at, value_after, value_before,
account_id}`, whether or not a webhook is sent for it (`auto_webhooks=False` is how a test
loses the webhook and keeps the event). Filters: `filter[type]` (comma-separated or `[]`),
`filter[entity][]`, `filter[created_at][from|to]`; newest first, paginated, 204 when empty.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agentplatform.kommo.simulator.events import WebhookEvent
from agentplatform.kommo.simulator.hal import collection
from agentplatform.kommo.simulator.state import AccountState, Obj, now


def _entry(state: AccountState, event: WebhookEvent) -> Obj | None:
    p = event.payload
    base: Obj = {"account_id": state.account_id, "value_after": [], "value_before": []}
    if event.setting == "status_lead":
        return base | {
            "type": "lead_status_changed",
            "entity_type": "lead",
            "entity_id": p["id"],
            "created_by": p.get("modified_user_id") or 0,
            "created_at": p.get("last_modified") or now(),
            "value_after": [
                {"lead_status": {"id": p["status_id"], "pipeline_id": p["pipeline_id"]}}
            ],
            "value_before": [
                {
                    "lead_status": {
                        "id": p.get("old_status_id"),
                        "pipeline_id": p.get("old_pipeline_id"),
                    }
                }
            ],
        }
    if event.setting in ("add_lead", "add_contact", "add_company"):
        entity = event.setting.removeprefix("add_")
        return base | {
            "type": f"{entity}_added",
            "entity_type": entity,
            "entity_id": p["id"],
            "created_by": p.get("created_user_id") or 0,
            "created_at": p.get("last_modified") or p.get("created_at") or now(),
        }
    if event.setting == "responsible_lead":
        return base | {
            "type": "entity_responsible_changed",
            "entity_type": "lead",
            "entity_id": p["id"],
            "created_by": p.get("modified_user_id") or 0,
            "created_at": p.get("last_modified") or now(),
            "value_after": [{"responsible_user": {"id": p.get("responsible_user_id")}}],
        }
    if event.setting == "add_message":
        incoming = p["type"] == "incoming"
        return base | {
            "type": "incoming_chat_message" if incoming else "outgoing_chat_message",
            "entity_type": p["entity_type"],
            "entity_id": p["entity_id"],
            "created_by": 0,
            "created_at": p["created_at"],
            "value_after": [
                {"message": {"id": p["id"], "talk_id": p["talk_id"], "origin": p["origin"]}}
            ],
        }
    return None


def record(state: AccountState, events: Iterable[WebhookEvent]) -> None:
    """Log what `events` say happened (the kinds Kommo logs)."""
    with state.lock:
        for event in events:
            entry = _entry(state, event)
            if entry is not None:
                state.events.append({"id": secrets.token_hex(12), **entry})


def _values(request: Request, name: str) -> set[str]:
    out: set[str] = set()
    for key, value in request.query_params.multi_items():
        if key == name or (key.startswith(name + "[") and key.endswith("]")):
            out.update(v for v in value.split(",") if v)
    return out


class AuditApi:
    def __init__(self, state: AccountState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        return [Route("/api/v4/events", self.list, methods=["GET"])]

    async def list(self, request: Request) -> Response:
        types = _values(request, "filter[type]")
        entities = _values(request, "filter[entity]")
        since = request.query_params.get("filter[created_at][from]")
        until = request.query_params.get("filter[created_at][to]")
        with self.state.lock:
            items = [
                dict(e)
                for e in self.state.events
                if (not types or e["type"] in types)
                and (not entities or e["entity_type"] in entities)
                and (since is None or not since.isdigit() or e["created_at"] >= int(since))
                and (until is None or not until.isdigit() or e["created_at"] <= int(until))
            ]
        items.sort(key=lambda e: e["created_at"], reverse=True)
        return collection(request, "events", items, item_path="/api/v4/events")
