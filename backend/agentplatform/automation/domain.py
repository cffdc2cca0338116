"""Automation: rules that react to lead events, timed follow-up sequences, the simulator."""

from arq import cron, func

from agentplatform.automation import kommo_events, models, tasks
from agentplatform.automation.deps import AUTOMATION_READ, AUTOMATION_WRITE
from agentplatform.automation.router import router
from agentplatform.automation.sequences_router import router as sequences_router
from agentplatform.automation.steps import STEP_JOB, STEPS
from agentplatform.core.domain import Domain
from agentplatform.kommo.answering.intake import MESSAGE_RECEIVED
from agentplatform.kommo.webhooks import dispatch

for _kind in kommo_events.TRIGGERS:
    dispatch.register(_kind, kommo_events.on_lead_event)

DOMAIN = Domain(
    name="automation",
    routers=(router, sequences_router),
    models=(models,),
    functions=(func(tasks.sequence_step, name=STEP_JOB, timeout=600, max_tries=1),),
    cron_jobs=(
        cron(
            tasks.claim_due_steps,
            name="claim_due_steps",
            second=set(range(2, 60, 5)),  # every five seconds, off the work sweep's second
            unique=True,
            timeout=60,
        ),
        cron(
            tasks.fire_time_triggers,
            name="fire_time_triggers",
            second=20,
            unique=True,
            timeout=120,
        ),
    ),
    scopes=(AUTOMATION_READ, AUTOMATION_WRITE),
    work_kinds=(STEPS,),
    handlers=((MESSAGE_RECEIVED, kommo_events.on_message_received),),
)
