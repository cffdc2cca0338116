"""What a domain contributes to the app and the worker, declared once in its `domain.py`.

`agentplatform.domains` lists every domain, lowest layer first; `main.py` (routers, upload
paths), `worker/main.py` (job functions, cron jobs, the work sweep, event handlers), `models.py`
(ORM metadata) and `tenancy.scopes` (permissions) iterate over that list. Adding a domain is its
package with a `domain.py` and one line there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from arq.cron import CronJob
from arq.worker import Function
from fastapi import APIRouter

from agentplatform.core.events import Handler
from agentplatform.core.work import WorkKind


@dataclass(frozen=True)
class Scope:
    """A permission inside a tenant, such as `knowledge:write`.

    Owners and admins hold every scope; `members` says whether the member role holds it too, and
    `api_keys` whether it may be granted to an API key."""

    name: str
    members: bool = False
    api_keys: bool = True
    description: str = ""  # what it allows, as people read it (the API-key dialog lists these)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, kw_only=True)
class Domain:
    name: str
    routers: Sequence[APIRouter] = ()  # mounted under the API prefix
    models: Sequence[ModuleType] = ()  # modules whose import declares the domain's tables
    functions: Sequence[Function] = ()  # arq job functions
    cron_jobs: Sequence[CronJob] = ()
    scopes: Sequence[Scope] = ()
    work_kinds: Sequence[WorkKind[Any]] = ()  # rows the work sweep looks after
    handlers: Sequence[tuple[str, Handler]] = ()  # (event, handler), see `core.events`
    # Paths (matched by suffix) whose POST bodies may be as large as a document upload.
    upload_paths: Sequence[str] = ()
