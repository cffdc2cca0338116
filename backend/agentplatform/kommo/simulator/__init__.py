"""A faithful fake Kommo for tests and for trying the product offline.

`KommoSimulator` serves one seeded account (pipelines with an incoming stage and the system
stages 142 won / 143 lost, users, custom fields with enums, leads, contacts, a company, a talk)
on loopback with uvicorn: in a background thread (`start()`, tests) or in the foreground
(`agentplatform kommo-simulator --port N`, which prints `{"base_url", "account_id",
"subdomain", "token"}`). It follows `shared/kommo/API.md`:

- OAuth (`oauth`): consent redirect, code exchange, refresh rotation and revocation, the
  long-lived token; `uninstall()` revokes everything and sends the signed revoke hook.
- REST v4 (`entities`, `resources`, `activities`, `webhooks`): account, users, pipelines and
  statuses, custom fields, leads, contacts, companies, notes, tasks, tags, sources, talks and
  the webhook subscriptions, in HAL (`_page`, `_links`, `_embedded`), 204 for nothing,
  problem+json errors with `validation-errors`, a limit over 250 reset to 50, writes over 250
  items refused.
- The guard (`guard`): bearer auth (401), `guard.unpaid` (402), 7 requests per second (429 with
  `retry_after`), `block_ip()` or `guard.block_after_429s` (403 with nginx's HTML page),
  scripted faults (`fail_next`); the server records every request (`requests`, `count()`).
- Outgoing webhooks (`events`, `webhooks`): Kommo's form encoding with bracket keys, batched,
  retried, duplicated on request; REST changes send them by themselves (`auto_webhooks`).
- The Chats API (`chats`): signed requests checked, connect, chats, messages, signed replies.
- Salesbot launches (`salesbot`): `POST /api/v2/salesbot/run` recorded in `state.salesbot_runs`.
- Admin endpoints (`admin`) under `/_simulator/...` to make Kommo act from outside.
"""

from agentplatform.kommo.simulator.events import WebhookEvent
from agentplatform.kommo.simulator.guard import Fault, RecordedRequest
from agentplatform.kommo.simulator.server import KommoSimulator
from agentplatform.kommo.simulator.webhooks import Delivery

__all__ = ["Delivery", "Fault", "KommoSimulator", "RecordedRequest", "WebhookEvent"]
