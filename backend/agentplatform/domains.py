"""Every domain, lowest layer first (see `core.domain`): the one list `main.py`, the worker and
the ORM metadata iterate over. A new domain is one line here."""

from agentplatform.agents.domain import DOMAIN as AGENTS
from agentplatform.ai.domain import DOMAIN as AI
from agentplatform.chat.domain import DOMAIN as CHAT
from agentplatform.core.domain import Domain
from agentplatform.knowledge.domain import DOMAIN as KNOWLEDGE
from agentplatform.kommo.domain import DOMAIN as KOMMO
from agentplatform.notifications.domain import DOMAIN as NOTIFICATIONS
from agentplatform.tenancy import scopes
from agentplatform.tenancy.domain import DOMAIN as TENANCY

DOMAINS: tuple[Domain, ...] = (
    TENANCY,
    AI,
    KNOWLEDGE,
    AGENTS,
    CHAT,
    KOMMO,
    NOTIFICATIONS,
)

for _domain in DOMAINS:
    scopes.register(_domain.scopes)
