"""Kommo as a domain: the connection (OAuth consent and callback, long-lived token, status,
disconnect, the access-revoked hook), the syncs (their tables, runs, routes, jobs and
schedule) and the agent's actions (their table); webhook intake registers its own here too.

Importing it registers `KommoGateway` with the chat domain, so that the API and the worker (both
load every domain) carry out agents' CRM actions in the workspace's Kommo account.
"""

from arq import cron, func

from agentplatform.chat.crm import register_gateway
from agentplatform.core.domain import Domain
from agentplatform.kommo.actions import models as action_models
from agentplatform.kommo.actions.gateway import GATEWAY
from agentplatform.kommo.connection import models as connection_models
from agentplatform.kommo.connection.router import hooks as connection_hooks
from agentplatform.kommo.connection.router import router as connection_router
from agentplatform.kommo.deps import INTEGRATIONS_READ, INTEGRATIONS_WRITE
from agentplatform.kommo.sync import models as sync_models
from agentplatform.kommo.sync import tasks as sync_tasks
from agentplatform.kommo.sync.jobs import KOMMO_SYNC
from agentplatform.kommo.sync.router import router as sync_router

register_gateway(GATEWAY)

DOMAIN = Domain(
    name="kommo",
    routers=(connection_router, connection_hooks, sync_router),
    models=(connection_models, sync_models, action_models),
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
