"""Kommo as a domain: the connection's table and routes (OAuth consent and callback, long-lived
token, status, disconnect, the access-revoked hook); webhook intake, syncs and actions register
their routers, tables and jobs here."""

from agentplatform.core.domain import Domain
from agentplatform.kommo.connection import models as connection_models
from agentplatform.kommo.connection.router import hooks as connection_hooks
from agentplatform.kommo.connection.router import router as connection_router
from agentplatform.kommo.deps import INTEGRATIONS_READ, INTEGRATIONS_WRITE

DOMAIN = Domain(
    name="kommo",
    routers=(connection_router, connection_hooks),
    models=(connection_models,),
    scopes=(INTEGRATIONS_READ, INTEGRATIONS_WRITE),
)
