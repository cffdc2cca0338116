"""Kommo: the CRM where the tenants' leads live (layer 6, above `chat`, below `automation`).

Laid out by concern, each a seam for the next piece of work:
- `client/`: the one way out to Kommo's REST API: `KommoClient` (typed models, pagination,
  batching, retries, the per-account rate limit shared through Redis, errors), the
  `AccessTokenProvider` protocol that OAuth plugs into, token-endpoint calls (`client/oauth.py`)
  and the Chats API signature (`client/amojo.py`).
- `forms.py`: Kommo's form encoding with PHP-style bracket keys (webhook bodies), both ways.
- `simulator/`: a faithful fake Kommo (OAuth, REST, rate limit, IP block, Chats API, outgoing
  webhooks), served by `agentplatform kommo-simulator` and used by the tests.

Still to come on top of these: OAuth routes and encrypted token storage, webhook intake, syncs
and agent actions (tables, routers and jobs then register in `domain.py`).
"""
