"""The simulator's notes and tasks, with the checks Kommo makes: a note's `note_type` is one of
Kommo's strings and its `params` carry what that type requires (`common` needs `text`); a task
needs `text` and `complete_till`. Lists filter like Kommo's (`filter[note_type][]`,
`filter[is_completed]`, `filter[entity_type]`, `filter[entity_id][]`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agentplatform.kommo.simulator.entities import Listener
from agentplatform.kommo.simulator.hal import (
    Obj,
    collection,
    created_item,
    field_error,
    json_response,
    multi_ids,
    not_found,
    read_array,
    validation_problem,
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


class ActivityApi:
    def __init__(self, state: AccountState, on_change: Listener) -> None:
        self.state = state
        self.on_change = on_change

    def routes(self) -> list[Route]:
        entity = "{entity:str}"
        return [
            Route(f"/api/v4/{entity}/notes", self.notes, methods=["GET"]),
            Route(f"/api/v4/{entity}/notes", self.add_notes, methods=["POST"]),
            Route(f"/api/v4/{entity}/{{entity_id:int}}/notes", self.notes, methods=["GET"]),
            Route(f"/api/v4/{entity}/{{entity_id:int}}/notes", self.add_notes, methods=["POST"]),
            Route("/api/v4/tasks", self.tasks, methods=["GET"]),
            Route("/api/v4/tasks", self.write_tasks("add"), methods=["POST"]),
            Route("/api/v4/tasks", self.write_tasks("update"), methods=["PATCH"]),
        ]

    # --- notes ---------------------------------------------------------------------------

    async def notes(self, request: Request) -> Response:
        entity = request.path_params["entity"]
        if entity not in ENTITIES:
            return not_found(request)
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
            return not_found(request)
        items = await read_array(request)
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
                created.append(created_item(request, f"/api/v4/{entity}/notes", note, item, index))
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
            items = await read_array(request)
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
                    created.append(created_item(request, "/api/v4/tasks", task, item, index))
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
