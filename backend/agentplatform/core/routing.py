"""Routing that costs one regular expression per included router a request does not go to.

FastAPI (0.16x) keeps each `include_router` as one entry that, for every request, tries its
routes one by one in Python (and the router that matches does it twice: to match, then to
handle). With a dozen routers and a hundred routes, a tenant route deep in the list paid for
some fifty Python-level matches before its own work began.

`skip_unmatched_routers` gives each included router (and each router it includes) a combined
expression of all its routes' paths: a path none of them can match is answered `Match.NONE` by
one `re.match` in C, and anything else (a match, a wrong method, a websocket) goes to FastAPI's
own matching, unchanged. The expression is built from the routes present at startup; if a route
is added to any router of the branch later, the branch falls back to FastAPI's matching.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.routing import APIRoute, _IncludedRouter, iter_route_contexts
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

_NAMED_GROUP = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")


def skip_unmatched_routers(app: FastAPI) -> int:
    """Install the prefilter on every included router of `app`; how many got one."""
    return sum(_install(route) for route in app.router.routes if isinstance(route, _IncludedRouter))


def _routers_of(branch: _IncludedRouter) -> list[object]:
    routers: list[object] = [branch.original_router]
    for candidate in branch.effective_candidates():
        if isinstance(candidate, _IncludedRouter):
            routers += _routers_of(candidate)
    return routers


def _install(branch: _IncludedRouter) -> int:
    installed = 0
    for candidate in branch.effective_candidates():
        if isinstance(candidate, _IncludedRouter):
            installed += _install(candidate)
    patterns: list[str] = []
    for context in iter_route_contexts([branch]):
        regex = getattr(context, "path_regex", None)
        if not isinstance(context.original_route, APIRoute) or not isinstance(regex, re.Pattern):
            return installed  # a mount, a plain route, a websocket: leave this branch as it is
        patterns.append(_NAMED_GROUP.sub("(?:", regex.pattern))
    if not patterns:
        return installed
    combined = re.compile("|".join(f"(?:{pattern})" for pattern in patterns))
    routers = _routers_of(branch)
    versions = [router._routes_version for router in routers]  # type: ignore[attr-defined]
    matches = branch.matches

    def prefiltered(scope: Scope) -> tuple[Match, Scope]:
        if (
            scope["type"] == "http"
            and combined.match(get_route_path(scope)) is None
            and all(
                router._routes_version == version  # type: ignore[attr-defined]
                for router, version in zip(routers, versions, strict=True)
            )
        ):
            return Match.NONE, {}
        return matches(scope)

    _set_matches(branch, prefiltered)
    return installed + 1


def _set_matches(branch: _IncludedRouter, matches: Callable[[Scope], tuple[Match, Scope]]) -> None:
    # An attribute of this one object, found before the class's method.
    branch.matches = matches  # type: ignore[method-assign,assignment]
