"""Kommo as a domain: the connection's table and webhook intake (its routes, table, jobs and
kind of work); OAuth, syncs and actions register theirs here too."""

from arq import cron, func

from agentplatform.core.domain import Domain
from agentplatform.kommo.connection import models as connection_models
from agentplatform.kommo.deps import INTEGRATIONS_READ
from agentplatform.kommo.webhooks import models as webhooks_models
from agentplatform.kommo.webhooks import tasks as webhooks_tasks
from agentplatform.kommo.webhooks.processing import WEBHOOK_EVENTS
from agentplatform.kommo.webhooks.router import events_router, hooks_router

DOMAIN = Domain(
    name="kommo",
    routers=(hooks_router, events_router),
    models=(connection_models, webhooks_models),
    functions=(
        func(
            webhooks_tasks.process_kommo_webhook_event,
            name="process_kommo_webhook_event",
            timeout=300,
        ),
    ),
    cron_jobs=(
        cron(
            webhooks_tasks.reconcile_kommo_events,
            name="reconcile_kommo_events",
            minute=set(range(2, 60, 5)),  # every five minutes, off the other sweeps' minutes
            second=40,
            unique=True,
            timeout=600,
        ),
    ),
    scopes=(INTEGRATIONS_READ,),
    work_kinds=(WEBHOOK_EVENTS,),
)
