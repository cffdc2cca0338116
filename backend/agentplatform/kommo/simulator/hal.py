"""Kommo's answer shapes: HAL collections (`_page`, `_links`, `_embedded`), 204 for nothing,
problem+json errors with `validation-errors`, and the nginx HTML page of an IP block."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

HAL = "application/hal+json"
PROBLEM = "application/problem+json"
DEFAULT_LIMIT = 50
MAX_LIMIT = 250
Obj = dict[str, Any]

IP_BLOCK_PAGE = """<html>
<head><title>403 Forbidden</title></head>
<body>
<center><h1>403 Forbidden</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


def json_response(body: Any, status: int = 200, media_type: str = HAL) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=media_type)


def no_content() -> Response:
    return Response(status_code=204)


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    body = {"title": title, "type": f"https://httpstatus.es/{status}", "status": status}
    body["detail"] = detail
    body.update(extra)
    return json_response(body, status, PROBLEM)


def validation_problem(errors: Sequence[tuple[str, list[Obj]]]) -> Response:
    """400 with Kommo's `validation-errors: [{request_id, errors: [{code, path, detail}]}]`."""
    return problem(
        400,
        "Bad Request",
        "Request validation failed",
        **{
            "validation-errors": [
                {"request_id": request_id, "errors": errs} for request_id, errs in errors
            ]
        },
    )


def field_error(code: str, path: str, detail: str) -> Obj:
    return {"code": code, "path": path, "detail": detail}


def ip_block_page() -> Response:
    return HTMLResponse(IP_BLOCK_PAGE, status_code=403, headers={"Server": "nginx"})


def base_url(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def self_link(request: Request, path: str) -> Obj:
    return {"self": {"href": f"{base_url(request)}{path}"}}


def with_links(request: Request, path: str, obj: Obj) -> Obj:
    return {**obj, "_links": self_link(request, path)}


def page_params(request: Request) -> tuple[int, int]:
    """`page` (1-based) and `limit`; a limit over 250 is silently reset to 50, as Kommo does."""
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    try:
        limit = int(request.query_params.get("limit", str(DEFAULT_LIMIT)))
    except ValueError:
        limit = DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        limit = DEFAULT_LIMIT
    return page, limit


def collection(
    request: Request, key: str, items: list[Obj], *, item_path: str | None = None
) -> Response:
    """One page of `items` as a HAL collection, 204 if the page is empty."""
    page, limit = page_params(request)
    chunk = items[(page - 1) * limit : page * limit]
    if not chunk:
        return no_content()
    path = request.url.path
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "limit")]
    links: Obj = {"self": {"href": _href(request, path, query, page, limit)}}
    if page * limit < len(items):
        links["next"] = {"href": _href(request, path, query, page + 1, limit)}
    if page > 1:
        links["prev"] = {"href": _href(request, path, query, page - 1, limit)}
    prefix = item_path or path
    embedded = [with_links(request, f"{prefix}/{_id_of(item)}", item) for item in chunk]
    return json_response({"_page": page, "_links": links, "_embedded": {key: embedded}})


def _id_of(item: Obj) -> Any:
    return item.get("id", item.get("talk_id"))


def _href(request: Request, path: str, query: list[tuple[str, str]], page: int, limit: int) -> str:
    params = [*query, ("page", str(page)), ("limit", str(limit))]
    return f"{base_url(request)}{path}?{urlencode(params)}"


def multi_ids(request: Request, name: str) -> set[int]:
    """`filter[id][]=1&filter[id][]=2`, `filter[id]=1` or `filter[id][0]=1` as a set of ints."""
    out: set[int] = set()
    for key, value in request.query_params.multi_items():
        if key == name or key == f"{name}[]" or (key.startswith(f"{name}[") and key[-1] == "]"):
            for part in value.split(","):
                if part.strip().lstrip("-").isdigit():
                    out.add(int(part))
    return out


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _Invalid


class _InvalidJSON:
    pass


_Invalid = _InvalidJSON()


def is_invalid(body: Any) -> bool:
    return body is _Invalid


async def read_array(request: Request) -> list[Any] | Response:
    """A write's JSON array body, or Kommo's answer to a wrong one (empty, not an array, >250)."""
    body = await json_body(request)
    if body is None or body == []:
        return problem(400, "Bad Request", "Request data can not be empty")
    if is_invalid(body) or not isinstance(body, list):
        return problem(400, "Bad Request", "Request body must be a JSON array")
    if len(body) > MAX_LIMIT:
        return problem(422, "Unprocessable Entity", f"Limit {MAX_LIMIT} per page")
    return body


def created_item(request: Request, path: str, obj: Obj, item: Any, index: int) -> Obj:
    out: Obj = {"id": obj["id"], "request_id": str(item.get("request_id", index))}
    return {**out, "_links": self_link(request, f"{path}/{obj['id']}")}


def not_found(request: Request) -> Response:
    return problem(404, "Not Found", f"Cannot {request.method} {request.url.path}")
