"""Notifications as a domain: the Slack target's table and routes, and the event handlers that
post hand-offs and failed Kommo syncs."""

from agentplatform.chat.tools import HANDED_OFF
from agentplatform.core.domain import Domain
from agentplatform.kommo.sync.jobs import SYNC_FAILED
from agentplatform.notifications import models, tasks
from agentplatform.notifications.router import router

DOMAIN = Domain(
    name="notifications",
    routers=(router,),
    models=(models,),
    handlers=((HANDED_OFF, tasks.on_handed_off), (SYNC_FAILED, tasks.on_sync_failed)),
)
