"""The simulator's salesbot launch: `POST /api/v2/salesbot/run` with `[{bot_id, entity_id,
entity_type}]` (entity_type 1 a contact, 2 a lead) answers 202 and records the run; an unknown
entity is 400, as is a body that is not such an array. `state.salesbot_runs` keeps the runs with
the entity's fields as they were at launch (what a `show {{lead.cf.ID}}` step would send)."""

from __future__ import annotations

import copy

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agentplatform.kommo.simulator.hal import Obj, json_response, problem, read_array
from agentplatform.kommo.simulator.state import AccountState, now

_ENTITY_TYPES = {1: "contacts", 2: "leads"}


class SalesbotApi:
    def __init__(self, state: AccountState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        return [Route("/api/v2/salesbot/run", self.run, methods=["POST"])]

    async def run(self, request: Request) -> Response:
        body = await read_array(request)
        if isinstance(body, Response):
            return body
        runs: list[Obj] = []
        with self.state.lock:
            for item in body:
                kind = item.get("entity_type") if isinstance(item, dict) else None
                entity = _ENTITY_TYPES.get(kind) if isinstance(kind, int) else None
                if (
                    entity is None
                    or not isinstance(item.get("bot_id"), int)
                    or item.get("entity_id") not in self.state.entities[entity]
                ):
                    return problem(400, "Bad Request", "bot_id, entity_id and entity_type needed")
                fields = self.state.entities[entity][item["entity_id"]].get("custom_fields_values")
                runs.append({**item, "at": now(), "fields": copy.deepcopy(fields) or []})
            self.state.salesbot_runs.extend(runs)
        return json_response({"success": True}, 202, "application/json")
