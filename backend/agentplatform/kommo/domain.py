"""Kommo as a domain: the connection's table; OAuth, webhook intake, syncs and actions register
their routers, tables and jobs here."""

from agentplatform.core.domain import Domain
from agentplatform.kommo.connection import models as connection_models

DOMAIN = Domain(name="kommo", models=(connection_models,))
