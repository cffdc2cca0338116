"""Kommo: the CRM where the tenants' leads live (layer 6, above `chat`, below `automation`).

Laid out by concern, each a seam for the next piece of work:
- `client/`: the one way out to Kommo's REST API: `KommoClient` (typed models, pagination,
  batching, retries, the per-account rate limit shared through Redis, errors), the
  `AccessTokenProvider` protocol that OAuth plugs into, token-endpoint calls (`client/oauth.py`)
  and the Chats API signature (`client/amojo.py`).
- `forms.py`: Kommo's form encoding with PHP-style bracket keys (webhook bodies), both ways.
- `simulator/`: a faithful fake Kommo (OAuth, REST, rate limit, IP block, Chats API, outgoing
  webhooks, the events log), served by `agentplatform kommo-simulator` and used by the tests.
- `connection/`: the workspace's account, tokens encrypted, `open_client`.
- `webhooks/`: exactly-once webhook intake: typed events with dedup keys and the `own` flag,
  `POST /api/v1/hooks/kommo/{token}` storing each event once (`kommo_webhook_event`, a row that
  is work), the job that runs the handler registered for its kind (`webhooks.dispatch`), the
  reconciliation with Kommo's events log, and the workspace's events list.

Still to come on top of these: OAuth routes, syncs and agent actions (tables, routers and jobs
then register in `domain.py`).
"""
