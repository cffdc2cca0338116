"""Kommo webhook intake, exactly once: parse, store, answer; process in the worker.

- `parsing`/`events`: the raw form body (or the Chats API's JSON) into typed events, each with
  its dedup key and whether our own integration caused it (`own`);
- `intake`: one INSERT ... ON CONFLICT per delivery (the unique (tenant, dedup key) is the
  truth), then the jobs, after the commit, with a short Redis budget;
- `router`: `POST /api/v1/hooks/kommo/{token}` (public, no rate limit: Kommo sends from few
  addresses; the token in the URL is the secret) and `.../{token}/chats` (HMAC-signed), and the
  tenant's events list;
- `processing`/`dispatch`/`tasks`: the job that claims an event (`core.work`) and runs the handler
  registered for its kind;
- `service`: the events list and delivery counts.
"""
