"""Kommo as a domain: the connection (OAuth consent and callback, long-lived token, status,
disconnect, the access-revoked hook) and the syncs (their tables, runs, routes, jobs and
schedule); webhook intake and actions register theirs here too."""

from arq import cron, func

from agentplatform.core.domain import Domain
from agentplatform.kommo.connection import models as connection_models
from agentplatform.kommo.connection.router import hooks as connection_hooks
from agentplatform.kommo.connection.router import router as connection_router
from agentplatform.kommo.deps import INTEGRATIONS_READ, INTEGRATIONS_WRITE
from agentplatform.kommo.sync import models as sync_models
from agentplatform.kommo.sync import tasks as sync_tasks
from agentplatform.kommo.sync.jobs import KOMMO_SYNC
from agentplatform.kommo.sync.router import router as sync_router

DOMAIN = Domain(
    name="kommo",
    routers=(connection_router, connection_hooks, sync_router),
    models=(connection_models, sync_models),
    functions=(func(sync_tasks.run_kommo_sync, name="run_kommo_sync", timeout=1800),),
    cron_jobs=(
        cron(
            sync_tasks.schedule_kommo_syncs,
            name="schedule_kommo_syncs",
            minute=23,  # hourly; each workspace's kinds are synced every 6 h (`SYNC_EVERY`)
            second=50,
            unique=True,
            timeout=300,
        ),
    ),
    scopes=(INTEGRATIONS_READ, INTEGRATIONS_WRITE),
    work_kinds=(KOMMO_SYNC,),
)
