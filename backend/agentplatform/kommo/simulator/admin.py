"""The simulator's admin endpoints (no auth: the simulator serves loopback only), so a person
trying the product offline, or a test in another process, can make Kommo act:

- `POST /_simulator/leads/{id}/status` `{"status_id", "pipeline_id"?}`: a user moves a lead
  (sends `update_lead` and `status_lead` to the subscribed webhooks);
- `POST /_simulator/talks/{id}/messages` `{"text", "duplicates"?}`: a client writes in a talk
  (`add_message`, `type=incoming`);
- `POST /_simulator/webhooks/send` `{"destination", "form"}`: send a raw form body;
- `POST /_simulator/ip-block` `{"seconds"}` and `DELETE /_simulator/ip-block`;
- `GET /_simulator/deliveries`: every webhook delivery so far.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agentplatform.kommo.simulator import audit
from agentplatform.kommo.simulator.events import message_event
from agentplatform.kommo.simulator.hal import json_body, json_response, problem

if TYPE_CHECKING:
    from agentplatform.kommo.simulator.server import KommoSimulator

PREFIX = "/_simulator"


def routes(sim: KommoSimulator) -> list[Route]:
    async def move_lead(request: Request) -> Response:
        body = await json_body(request)
        lead_id = int(request.path_params["id"])
        if not isinstance(body, dict) or not isinstance(body.get("status_id"), int):
            return problem(400, "Bad Request", "status_id is required")
        if lead_id not in sim.state.entities["leads"]:
            return problem(404, "Not Found", "no such lead")
        events = sim.move_lead(lead_id, body["status_id"], body.get("pipeline_id"))
        return json_response({"events": [e.setting for e in events]})

    async def message(request: Request) -> Response:
        body = await json_body(request)
        talk = sim.state.talks.get(int(request.path_params["id"]))
        if talk is None or not isinstance(body, dict) or not isinstance(body.get("text"), str):
            return problem(400, "Bad Request", "an existing talk and a text are required")
        event = message_event(sim.state, talk, body["text"], message_id=str(uuid.uuid4()))
        audit.record(sim.state, [event])
        future = sim.send_webhook([event], duplicates=int(body.get("duplicates", 0)))
        deliveries = await asyncio.wrap_future(future)
        return json_response({"deliveries": [_delivery(d) for d in deliveries]})

    async def send_raw(request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("destination"), str):
            return problem(400, "Bad Request", "destination and form are required")
        form = str(body.get("form", "")).encode()
        deliveries = await sim.deliverer.deliver(body["destination"], form)
        return json_response({"deliveries": [_delivery(d) for d in deliveries]})

    async def block(request: Request) -> Response:
        if request.method == "DELETE":
            sim.unblock_ip()
        else:
            body = await json_body(request)
            seconds = body.get("seconds", 3600) if isinstance(body, dict) else 3600
            sim.block_ip(float(seconds))
        return Response(status_code=204)

    async def deliveries(request: Request) -> Response:
        return json_response([_delivery(d) for d in sim.deliverer.deliveries])

    return [
        Route(PREFIX + "/leads/{id:int}/status", move_lead, methods=["POST"]),
        Route(PREFIX + "/talks/{id:int}/messages", message, methods=["POST"]),
        Route(PREFIX + "/webhooks/send", send_raw, methods=["POST"]),
        Route(PREFIX + "/ip-block", block, methods=["POST", "DELETE"]),
        Route(PREFIX + "/deliveries", deliveries, methods=["GET"]),
    ]


def _delivery(delivery: Any) -> dict[str, Any]:
    return {
        "destination": delivery.destination,
        "attempt": delivery.attempt,
        "duplicate": delivery.duplicate,
        "status": delivery.status,
        "error": delivery.error,
    }
