"""The simulator's other v4 resources: account, users, pipelines and statuses, custom fields,
tags, sources and talks (notes and tasks are in `activities`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agentplatform.kommo.simulator.entities import Listener
from agentplatform.kommo.simulator.hal import (
    Obj,
    collection,
    field_error,
    json_response,
    no_content,
    not_found,
    read_array,
    self_link,
    validation_problem,
    with_links,
)
from agentplatform.kommo.simulator.state import ENTITIES, AccountState, now


class ResourceApi:
    def __init__(self, state: AccountState, on_change: Listener) -> None:
        self.state = state
        self.on_change = on_change

    def routes(self) -> list[Route]:
        entity = "{entity:str}"
        return [
            Route("/api/v4/account", self.account, methods=["GET"]),
            Route("/api/v4/users", self.users, methods=["GET"]),
            Route("/api/v4/users/{id:int}", self.user, methods=["GET"]),
            Route("/api/v4/leads/pipelines", self.pipelines, methods=["GET"]),
            Route("/api/v4/leads/pipelines/{id:int}", self.pipeline, methods=["GET"]),
            Route("/api/v4/leads/pipelines/{id:int}/statuses", self.statuses, methods=["GET"]),
            Route(f"/api/v4/{entity}/custom_fields", self.custom_fields, methods=["GET"]),
            Route(f"/api/v4/{entity}/tags", self.tags, methods=["GET"]),
            Route(f"/api/v4/{entity}/tags", self.add_tags, methods=["POST"]),
            Route("/api/v4/sources", self.sources, methods=["GET"]),
            Route("/api/v4/sources", self.add_sources, methods=["POST"]),
            Route("/api/v4/talks/{id:int}", self.talk, methods=["GET"]),
            Route("/api/v4/talks/{id:int}/close", self.close_talk, methods=["POST"]),
        ]

    # --- account, users, pipelines, fields ------------------------------------------------------

    async def account(self, request: Request) -> Response:
        state = self.state
        with_ = set((request.query_params.get("with") or "").split(","))
        body: Obj = {
            "id": state.account_id,
            "name": f"{state.subdomain.title()} Inc",
            "subdomain": state.subdomain,
            "current_user_id": state.admin_id,
            "country": "US",
            "currency": "USD",
            "currency_symbol": "$",
            "customers_mode": "disabled",
            "is_unsorted_on": True,
            "is_loss_reason_enabled": True,
            "is_helpbot_enabled": False,
            "is_technical_account": False,
            "contact_name_display_order": 1,
            "_links": self_link(request, "/api/v4/account"),
        }
        if "amojo_id" in with_:
            body["amojo_id"] = state.amojo_id
        if "version" in with_:
            body["version"] = 11
        return json_response(body)

    async def users(self, request: Request) -> Response:
        with_ = set((request.query_params.get("with") or "").split(","))
        with self.state.lock:
            users = [
                self._user(u, with_)
                for u in sorted(self.state.users.values(), key=lambda u: u["id"])
            ]
        return collection(request, "users", users)

    async def user(self, request: Request) -> Response:
        user = self.state.users.get(int(request.path_params["id"]))
        if user is None:
            return no_content()
        with_ = set((request.query_params.get("with") or "").split(","))
        return json_response(with_links(request, request.url.path, self._user(user, with_)))

    @staticmethod
    def _user(user: Obj, with_: set[str]) -> Obj:
        return user if "amojo_id" in with_ else {k: v for k, v in user.items() if k != "amojo_id"}

    async def pipelines(self, request: Request) -> Response:
        with self.state.lock:
            pipelines = list(self.state.pipelines.values())
        body = {
            "_total_items": len(pipelines),
            "_links": self_link(request, request.url.path),
            "_embedded": {
                "pipelines": [
                    with_links(request, f"{request.url.path}/{p['id']}", p) for p in pipelines
                ]
            },
        }
        return json_response(body)

    async def pipeline(self, request: Request) -> Response:
        pipeline = self.state.pipelines.get(int(request.path_params["id"]))
        if pipeline is None:
            return no_content()
        return json_response(with_links(request, request.url.path, pipeline))

    async def statuses(self, request: Request) -> Response:
        pipeline = self.state.pipelines.get(int(request.path_params["id"]))
        if pipeline is None:
            return no_content()
        statuses = pipeline["_embedded"]["statuses"]
        body = {
            "_total_items": len(statuses),
            "_links": self_link(request, request.url.path),
            "_embedded": {
                "statuses": [
                    with_links(request, f"{request.url.path}/{s['id']}", s) for s in statuses
                ]
            },
        }
        return json_response(body)

    async def custom_fields(self, request: Request) -> Response:
        entity = request.path_params["entity"]
        if entity not in ENTITIES:
            return not_found(request)
        with self.state.lock:
            fields = list(self.state.custom_fields[entity].values())
        return collection(request, "custom_fields", fields)

    # --- tags, sources, talks ---------------------------------------------------------

    async def tags(self, request: Request) -> Response:
        entity = request.path_params["entity"]
        if entity not in ENTITIES:
            return not_found(request)
        with self.state.lock:
            tags = sorted(self.state.tags[entity].values(), key=lambda t: t["id"])
        return collection(request, "tags", tags)

    async def add_tags(self, request: Request) -> Response:
        entity = request.path_params["entity"]
        items = await read_array(request)
        if isinstance(items, Response) or entity not in ENTITIES:
            return items if isinstance(items, Response) else not_found(request)
        bad = [
            (str(i), [field_error("NotBlank", "name", "This value should not be blank.")])
            for i, item in enumerate(items)
            if not isinstance(item, dict) or not item.get("name")
        ]
        if bad:
            return validation_problem(bad)
        with self.state.lock:
            tags = [dict(self.state.tag(entity, str(item["name"]))) for item in items]
        return json_response({"_embedded": {"tags": tags}})

    async def sources(self, request: Request) -> Response:
        with self.state.lock:
            sources = list(self.state.sources.values())
        return collection(request, "sources", sources)

    async def add_sources(self, request: Request) -> Response:
        items = await read_array(request)
        if isinstance(items, Response):
            return items
        with self.state.lock:
            taken = {s["external_id"] for s in self.state.sources.values()}
            bad = [
                (str(i), [field_error("NotUnique", "external_id", "Already used.")])
                for i, item in enumerate(items)
                if not isinstance(item, dict) or item.get("external_id") in taken
            ]
            if bad:
                return validation_problem(bad)
            created = []
            for item in items:
                source = {
                    "id": self.state.next_id(),
                    "name": item.get("name", ""),
                    "pipeline_id": item.get("pipeline_id"),
                    "external_id": str(item["external_id"]),
                    "default": False,
                    "origin_code": item.get("origin_code"),
                    "services": item.get("services", []),
                }
                self.state.sources[source["id"]] = source
                created.append(with_links(request, f"/api/v4/sources/{source['id']}", source))
        return json_response({"_embedded": {"sources": created}})

    async def talk(self, request: Request) -> Response:
        talk = self.state.talks.get(int(request.path_params["id"]))
        if talk is None:
            return no_content()
        return json_response(with_links(request, request.url.path, talk))

    async def close_talk(self, request: Request) -> Response:
        with self.state.lock:
            talk = self.state.talks.get(int(request.path_params["id"]))
            if talk is None:
                return not_found(request)
            talk.update(is_in_work=False, updated_at=now())
        return Response(status_code=202)
