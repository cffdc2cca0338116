"""Which connection a webhook URL is for, remembered by each API process for a few seconds.

Kommo posts every event of an account to the same URL, often many per second: looking the token
up each time cost a transaction's first round trip and an ORM load for the same answer. A
`HookTarget` is the little a delivery needs (ids, account, who "we" are); it is kept `ttl`
seconds per token, so a reconnect to another account or a newly learnt identity shows within
that time. Unknown tokens are never remembered (guessing tokens cannot fill the memory), and a
connection deleted meanwhile makes the INSERT fail on its foreign key, which the route answers
404 after forgetting the token.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.security import token_hash
from agentplatform.kommo.connection.models import KommoConnection
from agentplatform.kommo.connection.service import connection_for_webhook
from agentplatform.kommo.webhooks.intake import identity_of
from agentplatform.kommo.webhooks.parsing import Identity

TTL_SECONDS = 10.0
MAX_TARGETS = 10_000


@dataclass(frozen=True)
class HookTarget:
    id: uuid.UUID
    tenant_id: uuid.UUID
    account_id: int
    subdomain: str
    amojo_id: str | None
    identity: Identity


def target_of(connection: KommoConnection) -> HookTarget:
    return HookTarget(
        id=connection.id,
        tenant_id=connection.tenant_id,
        account_id=connection.account_id,
        subdomain=connection.subdomain,
        amojo_id=connection.amojo_id,
        identity=identity_of(connection),
    )


class HookTargets:
    def __init__(self, ttl: float = TTL_SECONDS, size: int = MAX_TARGETS) -> None:
        self.ttl, self.size = ttl, size
        self._known: dict[str, tuple[float, HookTarget]] = {}

    async def find(self, session: AsyncSession, token: str) -> HookTarget | None:
        key = token_hash(token)
        now = time.monotonic()
        hit = self._known.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        connection = await connection_for_webhook(session, token)
        if connection is None:
            self._known.pop(key, None)
            return None
        if len(self._known) >= self.size:
            self._known.clear()
        target = target_of(connection)
        self._known[key] = (now + self.ttl, target)
        return target

    def forget(self, token: str) -> None:
        self._known.pop(token_hash(token), None)
