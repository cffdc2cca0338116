"""The simulator's other v4 resources: account, users, pipelines and statuses, custom fields,
notes, tasks, tags, sources and talks (see the package docstring for what each checks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agentplatform.kommo.simulator.entities import Listener
from agentplatform.kommo.simulator.hal import (
    MAX_LIMIT,
    Obj,
    collection,
    field_error,
    is_invalid,
    json_body,
    json_response,
    multi_ids,
    no_content,
    problem,
    self_link,
    validation_problem,
    with_links,
)
from agentplatform.kommo.simulator.state import ENTITIES, AccountState, now

NOTE_TYPES = {
    "common": ("text",),
    "call_in": ("uniq", "duration", "source", "phone"),
    "call_out": ("uniq", "duration", "source", "phone"),
    "service_message": ("service", "text"),
    "extended_service_message": ("service", "text"),
    "sms_in": ("text", "phone"),
    "sms_out": ("text", "phone"),
    "geolocation": ("text", "address", "longitude", "latitude"),
    "attachment": ("file_uuid", "file_name"),
}


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
            Route(f"/api/v4/{entity}/notes", self.notes, methods=["GET"]),
            Route(f"/api/v4/{entity}/notes", self.add_notes, methods=["POST"]),
            Route(f"/api/v4/{entity}/{{entity_id:int}}/notes", self.notes, methods=["GET"]),
            Route(f"/api/v4/{entity}/{{entity_id:int}}/notes", self.add_notes, methods=["POST"]),
            Route(f"/api/v4/{entity}/tags", self.tags, methods=["GET"]),
            Route(f"/api/v4/{entity}/tags", self.add_tags, methods=["POST"]),
            Route("/api/v4/tasks", self.tasks, methods=["GET"]),
            Route("/api/v4/tasks", self.write_tasks("add"), methods=["POST"]),
            Route("/api/v4/tasks", self.write_tasks("update"), methods=["PATCH"]),
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
            return _not_found(request)
        with self.state.lock:
            fields = list(self.state.custom_fields[entity].values())
        return collection(request, "custom_fields", fields)

    # --- notes ---------------------------------------------------------------------------

    async def notes(self, request: Request) -> Response:
        entity = request.path_params["entity"]
        if entity not in ENTITIES:
            return _not_found(request)
        entity_id = request.path_params.get("entity_id")
        types = set(request.query_params.getlist("filter[note_type][]"))
        with self.state.lock:
            notes = [
                n
                for n in self.state.notes.values()
                if n["_entity"] == entity
                and (entity_id is None or n["entity_id"] == entity_id)
                and (not types or n["note_type"] in types)
            ]
        shown = [{k: v for k, v in n.items() if k != "_entity"} for n in notes]
        return collection(request, "notes", shown, item_path=f"/api/v4/{entity}/notes")

    async def add_notes(self, request: Request) -> Response:
        entity = request.path_params["entity"]
        if entity not in ENTITIES:
            return _not_found(request)
        items = await _array(request)
        if isinstance(items, Response):
            return items
        path_id = request.path_params.get("entity_id")
        errors = []
        with self.state.lock:
            for index, item in enumerate(items):
                errs = self._check_note(entity, item, path_id)
                if errs:
                    errors.append((str(item.get("request_id", index)), errs))
            if errors:
                return validation_problem(errors)
            created = []
            for index, item in enumerate(items):
                note = {
                    "id": self.state.next_id(),
                    "entity_id": path_id or item["entity_id"],
                    "created_by": self.state.admin_id,
                    "updated_by": self.state.admin_id,
                    "created_at": now(),
                    "updated_at": now(),
                    "responsible_user_id": self.state.admin_id,
                    "group_id": 0,
                    "note_type": item["note_type"],
                    "params": item.get("params") or {},
                    "account_id": self.state.account_id,
                    "_entity": entity,
                }
                self.state.notes[note["id"]] = note
                created.append(_created(request, f"/api/v4/{entity}/notes", note, item, index))
                self.on_change(entity, "note", dict(note), None)
        return json_response({"_embedded": {"notes": created}})

    def _check_note(self, entity: str, item: Any, path_id: int | None) -> list[Obj]:
        if not isinstance(item, dict):
            return [field_error("InvalidType", "", "This value should be of type object.")]
        errs = []
        entity_id = path_id or item.get("entity_id")
        if not isinstance(entity_id, int) or entity_id not in self.state.entities[entity]:
            errs.append(field_error("NotFound", "entity_id", "Entity not found."))
        note_type = item.get("note_type")
        if note_type not in NOTE_TYPES:
            errs.append(
                field_error(
                    "NotSupportedChoice",
                    "note_type",
                    "The value you selected is not a valid choice.",
                )
            )
            return errs
        params = item.get("params")
        if not isinstance(params, dict):
            errs.append(
                field_error("InvalidType", "params", "This value should be of type object.")
            )
            return errs
        for name in NOTE_TYPES[note_type]:  # the params each type requires
            if params.get(name) in (None, ""):
                errs.append(
                    field_error("NotBlank", f"params.{name}", "This value should not be blank.")
                )
        return errs

    # --- tags, tasks, sources, talks ---------------------------------------------------------

    async def tags(self, request: Request) -> Response:
        entity = request.path_params["entity"]
        if entity not in ENTITIES:
            return _not_found(request)
        with self.state.lock:
            tags = sorted(self.state.tags[entity].values(), key=lambda t: t["id"])
        return collection(request, "tags", tags)

    async def add_tags(self, request: Request) -> Response:
        entity = request.path_params["entity"]
        items = await _array(request)
        if isinstance(items, Response) or entity not in ENTITIES:
            return items if isinstance(items, Response) else _not_found(request)
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

    async def tasks(self, request: Request) -> Response:
        query = request.query_params
        ids = multi_ids(request, "filter[entity_id]")
        completed = query.get("filter[is_completed]")
        entity_type = query.get("filter[entity_type]")
        with self.state.lock:
            tasks = [
                t
                for t in sorted(self.state.tasks.values(), key=lambda t: t["id"])
                if (not ids or t["entity_id"] in ids)
                and (completed is None or t["is_completed"] == (completed == "1"))
                and (entity_type is None or t["entity_type"] == entity_type)
            ]
        return collection(request, "tasks", tasks)

    def write_tasks(self, action: str) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            items = await _array(request)
            if isinstance(items, Response):
                return items
            errors = []
            with self.state.lock:
                for index, item in enumerate(items):
                    errs = self._check_task(action, item)
                    if errs:
                        errors.append((str(item.get("request_id", index)), errs))
                if errors:
                    return validation_problem(errors)
                created = []
                for index, item in enumerate(items):
                    task = self._store_task(action, item)
                    created.append(_created(request, "/api/v4/tasks", task, item, index))
            return json_response({"_embedded": {"tasks": created}})

        return handler

    def _check_task(self, action: str, item: Any) -> list[Obj]:
        if not isinstance(item, dict):
            return [field_error("InvalidType", "", "This value should be of type object.")]
        if action == "update":
            if item.get("id") not in self.state.tasks:
                return [field_error("NotFound", "id", "Entity not found.")]
            return []
        errs = []
        if not isinstance(item.get("text"), str) or not item["text"]:
            errs.append(field_error("NotBlank", "text", "This value should not be blank."))
        if not isinstance(item.get("complete_till"), int):
            errs.append(field_error("NotBlank", "complete_till", "This value should not be blank."))
        return errs

    def _store_task(self, action: str, item: Obj) -> Obj:
        if action == "update":
            task = self.state.tasks[item["id"]]
        else:
            task = {
                "id": self.state.next_id(),
                "created_by": self.state.admin_id,
                "created_at": now(),
                "responsible_user_id": self.state.admin_id,
                "group_id": 0,
                "entity_id": None,
                "entity_type": None,
                "is_completed": False,
                "task_type_id": 1,
                "duration": 0,
                "result": [],
                "account_id": self.state.account_id,
            }
            self.state.tasks[task["id"]] = task
        for name in (
            "text",
            "complete_till",
            "entity_id",
            "entity_type",
            "task_type_id",
            "responsible_user_id",
            "duration",
            "is_completed",
            "result",
        ):
            if name in item:
                task[name] = item[name]
        task["updated_at"] = now()
        task["updated_by"] = self.state.admin_id
        return task

    async def sources(self, request: Request) -> Response:
        with self.state.lock:
            sources = list(self.state.sources.values())
        return collection(request, "sources", sources)

    async def add_sources(self, request: Request) -> Response:
        items = await _array(request)
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
                return _not_found(request)
            talk.update(is_in_work=False, updated_at=now())
        return Response(status_code=202)


async def _array(request: Request) -> list[Any] | Response:
    body = await json_body(request)
    if body is None or body == []:
        return problem(400, "Bad Request", "Request data can not be empty")
    if is_invalid(body) or not isinstance(body, list):
        return problem(400, "Bad Request", "Request body must be a JSON array")
    if len(body) > MAX_LIMIT:
        return problem(422, "Unprocessable Entity", f"Limit {MAX_LIMIT} per page")
    return body


def _created(request: Request, path: str, obj: Obj, item: Any, index: int) -> Obj:
    out: Obj = {"id": obj["id"], "request_id": str(item.get("request_id", index))}
    return {**out, "_links": self_link(request, f"{path}/{obj['id']}")}


def _not_found(request: Request) -> Response:
    return problem(404, "Not Found", f"Cannot {request.method} {request.url.path}")
