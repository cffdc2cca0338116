"""Chat: contacts, conversations and their messages, and the agent's turn."""

from agentplatform.chat import models
from agentplatform.chat.deps import CHAT_WRITE, CONTACTS_WRITE, CONVERSATIONS_READ
from agentplatform.chat.router import router
from agentplatform.core.domain import Domain

DOMAIN = Domain(
    name="chat",
    routers=(router,),
    models=(models,),
    scopes=(CHAT_WRITE, CONVERSATIONS_READ, CONTACTS_WRITE),
)
