"""Kommo as a domain: the connection (OAuth consent and callback, long-lived token, status,
disconnect, the access-revoked hook), webhook intake (its routes, table, jobs and kind of work),
the syncs (their tables, runs, routes, jobs and schedule), the agent's actions (their table) and
the answers to customers' chat messages (their job and sweep).

Importing it registers `KommoGateway` with the chat domain, so that the API and the worker (both
load every domain) carry out agents' CRM actions in the workspace's Kommo account, and the
incoming-message handler with the webhook dispatch.
"""

from arq import cron, func

from agentplatform.chat.crm import register_gateway
from agentplatform.core.domain import Domain
from agentplatform.kommo.actions import models as action_models
from agentplatform.kommo.actions.gateway import GATEWAY
from agentplatform.kommo.answering import handler as answering_handler
from agentplatform.kommo.answering import tasks as answering_tasks
from agentplatform.kommo.answering.intake import ANSWER_JOB
from agentplatform.kommo.connection import models as connection_models
from agentplatform.kommo.connection.router import hooks as connection_hooks
from agentplatform.kommo.connection.router import router as connection_router
from agentplatform.kommo.deps import INTEGRATIONS_READ, INTEGRATIONS_WRITE
from agentplatform.kommo.sync import models as sync_models
from agentplatform.kommo.sync import tasks as sync_tasks
from agentplatform.kommo.sync.jobs import KOMMO_SYNC
from agentplatform.kommo.sync.router import router as sync_router
from agentplatform.kommo.webhooks import dispatch
from agentplatform.kommo.webhooks import models as webhooks_models
from agentplatform.kommo.webhooks import tasks as webhooks_tasks
from agentplatform.kommo.webhooks.processing import WEBHOOK_EVENTS
from agentplatform.kommo.webhooks.router import events_router, hooks_router

register_gateway(GATEWAY)
dispatch.register(answering_handler.KIND, answering_handler.on_message)

DOMAIN = Domain(
    name="kommo",
    routers=(
        connection_router,
        connection_hooks,
        hooks_router,
        events_router,
        sync_router,
    ),
    models=(connection_models, webhooks_models, sync_models, action_models),
    functions=(
        func(
            webhooks_tasks.process_kommo_webhook_event,
            name="process_kommo_webhook_event",
            timeout=300,
        ),
        func(sync_tasks.run_kommo_sync, name="run_kommo_sync", timeout=1800),
        # No result kept: the conversation's job id is free for its next answer at once.
        func(
            answering_tasks.kommo_answer_conversation,
            name=ANSWER_JOB,
            timeout=600,
            keep_result=0,
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
        cron(
            sync_tasks.schedule_kommo_syncs,
            name="schedule_kommo_syncs",
            minute=23,  # hourly; each workspace's kinds are synced every 6 h (`SYNC_EVERY`)
            second=50,
            unique=True,
            timeout=300,
        ),
        cron(
            answering_tasks.sweep_unanswered,
            name="sweep_unanswered_kommo",
            second=25,  # every minute, off the work sweep's and reconciliation's seconds
            unique=True,
            timeout=120,
        ),
    ),
    scopes=(INTEGRATIONS_READ, INTEGRATIONS_WRITE),
    work_kinds=(WEBHOOK_EVENTS, KOMMO_SYNC),
)
