"""The simulator's leads, contacts and companies: list (filters, search, pages), get, create
and update in batches, with Kommo's validation errors.

Lists: `filter[id][]`, `filter[responsible_user_id][]`, `filter[pipeline_id][]` (leads),
`filter[statuses][i][pipeline_id|status_id]` (leads), `query` (name or any field value, e.g. a
phone), `with=contacts` on leads; 204 when nothing matches. Writes: an array of at most 250
objects (else 422 "Limit 250 per page"), each checked (types, pipeline and stage, custom field
ids and enum choices); any error answers 400 with `validation-errors` naming the item by its
`request_id` (its index when it has none) and the path, e.g. `custom_fields_values.0.field_id`.
Moving a lead to 142 (won) or 143 (lost) sets `closed_at`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

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
from agentplatform.kommo.simulator.state import LOST, WON, AccountState, now

Listener = Callable[[str, str, Obj, Obj | None], None]  # (entity, action, new, old)
_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "leads": {
        "name": str,
        "price": int,
        "status_id": int,
        "pipeline_id": int,
        "responsible_user_id": int,
        "loss_reason_id": int,
        "created_by": int,
    },
    "contacts": {"name": str, "first_name": str, "last_name": str, "responsible_user_id": int},
    "companies": {"name": str, "responsible_user_id": int},
}


class EntityApi:
    def __init__(self, state: AccountState, on_change: Listener) -> None:
        self.state = state
        self.on_change = on_change

    def routes(self) -> list[Route]:
        out = []
        for entity in ("leads", "contacts", "companies"):
            out += [
                Route(f"/api/v4/{entity}", self._lister(entity), methods=["GET"]),
                Route(f"/api/v4/{entity}", self._writer(entity, "add"), methods=["POST"]),
                Route(f"/api/v4/{entity}", self._writer(entity, "update"), methods=["PATCH"]),
                Route(f"/api/v4/{entity}/{{id:int}}", self._getter(entity), methods=["GET"]),
                Route(f"/api/v4/{entity}/{{id:int}}", self._single(entity), methods=["PATCH"]),
            ]
        return out

    # --- reads ---------------------------------------------------------------------------

    def _lister(self, entity: str) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            with self.state.lock:
                items = [self._shown(entity, o, request) for o in self._matching(entity, request)]
            return collection(request, entity, items)

        return handler

    def _getter(self, entity: str) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            with self.state.lock:
                obj = self.state.entities[entity].get(int(request.path_params["id"]))
                if obj is None or obj.get("is_deleted"):
                    return no_content()
                shown = self._shown(entity, obj, request)
            return json_response(with_links(request, request.url.path, shown))

        return handler

    def _matching(self, entity: str, request: Request) -> list[Obj]:
        query = request.query_params
        ids = multi_ids(request, "filter[id]")
        users = multi_ids(request, "filter[responsible_user_id]")
        pipelines = multi_ids(request, "filter[pipeline_id]")
        statuses = _status_filter(request)
        text = (query.get("query") or "").strip().lower()
        out = []
        for obj in sorted(self.state.entities[entity].values(), key=lambda o: o["id"]):
            if obj.get("is_deleted"):
                continue
            if ids and obj["id"] not in ids:
                continue
            if users and obj.get("responsible_user_id") not in users:
                continue
            if pipelines and obj.get("pipeline_id") not in pipelines:
                continue
            if statuses and not any(
                obj.get("pipeline_id") == p and (s is None or obj.get("status_id") == s)
                for p, s in statuses
            ):
                continue
            if text and text not in _searchable(obj):
                continue
            out.append(obj)
        return out

    def _shown(self, entity: str, obj: Obj, request: Request) -> Obj:
        shown = {**obj, "_embedded": dict(obj.get("_embedded") or {})}
        with_ = set((request.query_params.get("with") or "").split(","))
        if entity == "leads" and "contacts" not in with_:
            shown["_embedded"].pop("contacts", None)
        if entity != "leads" and "leads" not in with_:
            shown["_embedded"].pop("leads", None)
        return shown

    # --- writes ---------------------------------------------------------------------------

    def _writer(self, entity: str, action: str) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            body = await json_body(request)
            if body is None or body == []:
                return problem(400, "Bad Request", "Request data can not be empty")
            if is_invalid(body) or not isinstance(body, list):
                return problem(400, "Bad Request", "Request body must be a JSON array")
            if len(body) > MAX_LIMIT:
                return problem(422, "Unprocessable Entity", f"Limit {MAX_LIMIT} per page")
            return self._apply(request, entity, action, body)

        return handler

    def _single(self, entity: str) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            body = await json_body(request)
            if not isinstance(body, dict):
                return problem(400, "Bad Request", "Request data can not be empty")
            body["id"] = int(request.path_params["id"])
            response = self._apply(request, entity, "update", [body])
            if response.status_code != 200:
                return response
            with self.state.lock:
                obj = self.state.entities[entity][body["id"]]
                return json_response(with_links(request, request.url.path, obj))

        return handler

    def _apply(self, request: Request, entity: str, action: str, items: list[Any]) -> Response:
        with self.state.lock:
            errors = []
            for index, item in enumerate(items):
                request_id = str(item.get("request_id", index)) if isinstance(item, dict) else ""
                errs = self._check(entity, action, item)
                if errs:
                    errors.append((request_id or str(index), errs))
            if errors:
                return validation_problem(errors)
            created = []
            for index, item in enumerate(items):
                obj, old = self._store(entity, action, item)
                out: Obj = {"id": obj["id"], "updated_at": obj["updated_at"]}
                if "request_id" in item or action == "add":
                    out["request_id"] = str(item.get("request_id", index))
                created.append(
                    {**out, "_links": self_link(request, f"/api/v4/{entity}/{obj['id']}")}
                )
                self.on_change(entity, action, dict(obj), old)
        return json_response(
            {"_links": self_link(request, request.url.path), "_embedded": {entity: created}}
        )

    def _check(self, entity: str, action: str, item: Any) -> list[Obj]:
        if not isinstance(item, dict):
            return [field_error("InvalidType", "", "This value should be of type object.")]
        errs = []
        if action == "update":
            if not isinstance(item.get("id"), int):
                errs.append(field_error("NotBlank", "id", "This value should not be blank."))
            elif item["id"] not in self.state.entities[entity]:
                errs.append(field_error("NotFound", "id", "Entity not found."))
        for name, kind in _FIELDS[entity].items():
            value = item.get(name)
            if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
                errs.append(_type_error(name, kind))
        if entity == "leads" and not errs:
            errs += self._check_stage(item, action)
        errs += self._check_custom_fields(entity, item.get("custom_fields_values"))
        return errs

    def _check_stage(self, item: Obj, action: str) -> list[Obj]:
        existing = self.state.entities["leads"].get(item.get("id") or 0) or {}
        pipeline_id = item.get("pipeline_id") or existing.get("pipeline_id")
        if pipeline_id is None:
            pipeline_id = self.state.main_pipeline()["id"]
        if pipeline_id not in self.state.pipelines:
            return [field_error("NotSupportedChoice", "pipeline_id", "Pipeline not found.")]
        status_id = item.get("status_id")
        if status_id is not None and self.state.status(pipeline_id, status_id) is None:
            return [
                field_error(
                    "NotSupportedChoice",
                    "status_id",
                    "The value you selected is not a valid choice.",
                )
            ]
        return []

    def _check_custom_fields(self, entity: str, values: Any) -> list[Obj]:
        if values is None:
            return []
        if not isinstance(values, list):
            return [_type_error("custom_fields_values", list)]
        fields = self.state.custom_fields[entity]
        errs = []
        for i, value in enumerate(values):
            path = f"custom_fields_values.{i}"
            if not isinstance(value, dict):
                errs.append(_type_error(path, dict))
                continue
            field = fields.get(value.get("field_id") or 0) or next(
                (
                    f
                    for f in fields.values()
                    if value.get("field_code") and f["code"] == value.get("field_code")
                ),
                None,
            )
            if field is None:
                which = "field_id" if "field_id" in value else "field_code"
                errs.append(
                    field_error(
                        "NotSupportedChoice",
                        f"{path}.{which}",
                        "The value you selected is not a valid choice.",
                    )
                )
                continue
            enums = {e["id"] for e in field.get("enums") or ()}
            codes = {e["value"] for e in field.get("enums") or ()}
            for j, val in enumerate(value.get("values") or ()):
                if not isinstance(val, dict):
                    errs.append(_type_error(f"{path}.values.{j}", dict))
                elif "enum_id" in val and val["enum_id"] not in enums:
                    errs.append(
                        field_error(
                            "NotSupportedChoice",
                            f"{path}.values.{j}.enum_id",
                            "The value you selected is not a valid choice.",
                        )
                    )
                elif "enum_code" in val and codes and val["enum_code"] not in codes:
                    errs.append(
                        field_error(
                            "NotSupportedChoice",
                            f"{path}.values.{j}.enum_code",
                            "The value you selected is not a valid choice.",
                        )
                    )
        return errs

    def _store(self, entity: str, action: str, item: Obj) -> tuple[Obj, Obj | None]:
        state = self.state
        timestamp = now()
        store = state.entities[entity]
        if action == "update":
            old: Obj | None = _copy(store[item["id"]])
            obj = store[item["id"]]
        else:
            old = None
            obj = {
                "id": state.next_id(),
                "name": "",
                "responsible_user_id": state.admin_id,
                "group_id": 0,
                "created_by": state.admin_id,
                "created_at": timestamp,
                "is_deleted": False,
                "custom_fields_values": None,
                "account_id": state.account_id,
                "_embedded": {"tags": [], "contacts": [], "companies": [], "leads": []},
            }
            if entity == "leads":
                pipeline_id = item.get("pipeline_id") or state.main_pipeline()["id"]
                obj.update(
                    price=0,
                    pipeline_id=pipeline_id,
                    status_id=state.first_stage(pipeline_id),
                    closed_at=None,
                    loss_reason_id=None,
                    closest_task_at=None,
                    score=None,
                    labor_cost=None,
                )
            store[obj["id"]] = obj
        for name in _FIELDS[entity]:
            if name in item:
                obj[name] = item[name]
        if "custom_fields_values" in item:
            obj["custom_fields_values"] = self._merge_fields(entity, obj, item)
        embedded = item.get("_embedded") or {}
        if "tags" in embedded:  # PATCH replaces the tag set
            obj["_embedded"]["tags"] = [
                dict(state.tag(entity, t["name"]) if "name" in t else t) for t in embedded["tags"]
            ]
        for link in ("contacts", "companies"):
            if link in embedded:
                obj["_embedded"][link] = [{"id": ref["id"]} for ref in embedded[link]]
        if entity == "leads" and obj.get("status_id") in (WON, LOST) and not obj.get("closed_at"):
            obj["closed_at"] = timestamp
        obj["updated_at"] = timestamp
        obj["updated_by"] = state.admin_id
        return obj, old

    def _merge_fields(self, entity: str, obj: Obj, item: Obj) -> list[Obj] | None:
        fields = self.state.custom_fields[entity]
        current = {v["field_id"]: v for v in obj.get("custom_fields_values") or ()}
        for value in item["custom_fields_values"] or ():
            field = fields.get(value.get("field_id") or 0) or next(
                f for f in fields.values() if f["code"] == value.get("field_code")
            )
            enums = {e["id"]: e["value"] for e in field.get("enums") or ()}
            values = []
            for val in value.get("values") or ():
                shown = dict(val)
                if "enum_id" in val:
                    shown["value"] = enums[val["enum_id"]]
                values.append(shown)
            if not values:
                current.pop(field["id"], None)
                continue
            current[field["id"]] = {
                "field_id": field["id"],
                "field_name": field["name"],
                "field_code": field["code"],
                "field_type": field["type"],
                "values": values,
            }
        return list(current.values()) or None


def _status_filter(request: Request) -> list[tuple[int, int | None]]:
    found: dict[str, dict[str, int]] = {}
    for key, value in request.query_params.multi_items():
        if key.startswith("filter[statuses][") and value.isdigit():
            index, _, rest = key.removeprefix("filter[statuses][").partition("]")
            found.setdefault(index, {})[rest.strip("[]")] = int(value)
    return [(f["pipeline_id"], f.get("status_id")) for f in found.values() if "pipeline_id" in f]


def _searchable(obj: Obj) -> str:
    parts = [str(obj.get("name") or ""), str(obj.get("first_name") or "")]
    for value in obj.get("custom_fields_values") or ():
        parts += [str(v.get("value", "")) for v in value.get("values") or ()]
    return " ".join(parts).lower()


_TYPE_NAMES: dict[object, str] = {str: "string", int: "int", list: "array", dict: "object"}


def _type_error(path: str, kind: type | tuple[type, ...]) -> Obj:
    name = _TYPE_NAMES.get(kind, "value")
    return field_error("InvalidType", path, f"This value should be of type {name}.")


def _copy(obj: Obj) -> Obj:
    import copy

    return copy.deepcopy(obj)
