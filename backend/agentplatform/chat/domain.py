"""Chat: contacts, conversations and their messages, the agent's turn, and contact memory."""

from arq import func

from agentplatform.chat import models
from agentplatform.chat.deps import CHAT_WRITE, CONTACTS_WRITE, CONVERSATIONS_READ
from agentplatform.chat.memory import models as memory_models
from agentplatform.chat.memory import tasks as memory_tasks
from agentplatform.chat.memory.learning import EXTRACT_MEMORIES
from agentplatform.chat.memory.router import router as memory_router
from agentplatform.chat.router import preview_router, router
from agentplatform.core.domain import Domain

DOMAIN = Domain(
    name="chat",
    routers=(router, preview_router, memory_router),
    models=(models, memory_models),
    functions=(func(memory_tasks.extract_contact_memories, name=EXTRACT_MEMORIES, timeout=300),),
    scopes=(CHAT_WRITE, CONVERSATIONS_READ, CONTACTS_WRITE),
)
