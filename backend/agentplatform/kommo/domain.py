"""Kommo as a domain. The client and the simulator need no routers, tables or jobs yet; OAuth,
webhook intake and syncs will register theirs here."""

from agentplatform.core.domain import Domain

DOMAIN = Domain(name="kommo")
