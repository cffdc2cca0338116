"""Kommo syncs: the account's pipelines and statuses, custom fields, users and sources copied
into our tables, one `kommo_sync_run` row (durable work, `core.work`) per kind and run.

`service.request_sync` queues runs (on demand, on a schedule, on connect), `jobs.run_sync` is
what the worker does with one, `store` writes what Kommo said (upsert, delete what is gone)."""
