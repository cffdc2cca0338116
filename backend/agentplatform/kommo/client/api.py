"""`KommoClient`: Kommo's v4 REST resources as typed calls on top of `KommoHTTP`.

Lists are async iterators over every page (`iter_leads`) or whole lists (`list_users`); an empty
list is `[]` whatever Kommo answered (204 or an empty `_embedded`). Writes take `...Write` models
and return `Created` items (id and request_id), sent in batches of 50. `params` are Kommo's own
query parameters, e.g. `{"filter[pipeline_id][]": [1, 2], "query": "+1415", "with": "contacts"}`.

    limiter = KommoRateLimiter(redis)            # one per process
    async with KommoClient("https://acme.kommo.com", StaticTokenProvider(token),
                           limiter=limiter) as kommo:
        account = await kommo.account()
        async for lead in kommo.iter_leads(params={"filter[statuses][0][pipeline_id]": 1}):
            ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Literal

from agentplatform.kommo.client.http import KommoHTTP, Params
from agentplatform.kommo.client.models import (
    Account,
    Company,
    CompanyWrite,
    Contact,
    ContactWrite,
    Created,
    CustomField,
    Event,
    Lead,
    LeadWrite,
    Note,
    NoteWrite,
    Pipeline,
    Source,
    Status,
    Tag,
    Talk,
    Task,
    TaskWrite,
    User,
    Webhook,
    WebhookWrite,
)

Entity = Literal["leads", "contacts", "companies"]


class KommoClient(KommoHTTP):
    # --- account and users -------------------------------------------------------------------

    async def account(self, with_: Sequence[str] = ("amojo_id",)) -> Account:
        params: Params = {"with": ",".join(with_)} if with_ else {}
        account = await self.one("/api/v4/account", Account, params=params)
        if account is None:
            raise ValueError("Kommo returned no account")
        return account

    async def list_users(self, with_: Sequence[str] = ("amojo_id",)) -> list[User]:
        params: Params = {"with": ",".join(with_)} if with_ else {}
        return await self.collect("/api/v4/users", "users", User, params=params)

    def user_pages(self, with_: Sequence[str] = ("amojo_id",)) -> AsyncIterator[list[User]]:
        """Each page of the account's users (a sync reports progress page by page)."""
        params: Params = {"with": ",".join(with_)} if with_ else {}
        return self.pages("/api/v4/users", "users", User, params=params)

    # --- pipelines, statuses, custom fields ---------------------------------------------------

    async def list_pipelines(self) -> list[Pipeline]:
        return await self.collect("/api/v4/leads/pipelines", "pipelines", Pipeline)

    async def list_statuses(self, pipeline_id: int) -> list[Status]:
        path = f"/api/v4/leads/pipelines/{pipeline_id}/statuses"
        return await self.collect(path, "statuses", Status)

    async def list_custom_fields(self, entity: Entity) -> list[CustomField]:
        return await self.collect(f"/api/v4/{entity}/custom_fields", "custom_fields", CustomField)

    def custom_field_pages(self, entity: Entity) -> AsyncIterator[list[CustomField]]:
        return self.pages(f"/api/v4/{entity}/custom_fields", "custom_fields", CustomField)

    # --- leads -------------------------------------------------------------------------------

    async def iter_leads(self, *, params: Params | None = None) -> AsyncIterator[Lead]:
        async for page in self.pages("/api/v4/leads", "leads", Lead, params=params):
            for lead in page:
                yield lead

    async def list_leads(self, *, params: Params | None = None) -> list[Lead]:
        return await self.collect("/api/v4/leads", "leads", Lead, params=params)

    async def get_lead(self, lead_id: int, with_: Sequence[str] = ("contacts",)) -> Lead | None:
        params: Params = {"with": ",".join(with_)} if with_ else {}
        return await self.one(f"/api/v4/leads/{lead_id}", Lead, params=params)

    async def create_leads(self, leads: Sequence[LeadWrite]) -> list[Created]:
        return await self.write("POST", "/api/v4/leads", "leads", leads)

    async def update_leads(self, leads: Sequence[LeadWrite]) -> list[Created]:
        _require_ids(leads)
        return await self.write("PATCH", "/api/v4/leads", "leads", leads)

    # --- contacts and companies ------------------------------------------------------------------

    async def iter_contacts(self, *, params: Params | None = None) -> AsyncIterator[Contact]:
        async for page in self.pages("/api/v4/contacts", "contacts", Contact, params=params):
            for contact in page:
                yield contact

    async def list_contacts(self, *, params: Params | None = None) -> list[Contact]:
        return await self.collect("/api/v4/contacts", "contacts", Contact, params=params)

    async def get_contact(self, contact_id: int) -> Contact | None:
        return await self.one(f"/api/v4/contacts/{contact_id}", Contact)

    async def create_contacts(self, contacts: Sequence[ContactWrite]) -> list[Created]:
        return await self.write("POST", "/api/v4/contacts", "contacts", contacts)

    async def update_contacts(self, contacts: Sequence[ContactWrite]) -> list[Created]:
        _require_ids(contacts)
        return await self.write("PATCH", "/api/v4/contacts", "contacts", contacts)

    async def list_companies(self, *, params: Params | None = None) -> list[Company]:
        return await self.collect("/api/v4/companies", "companies", Company, params=params)

    async def get_company(self, company_id: int) -> Company | None:
        return await self.one(f"/api/v4/companies/{company_id}", Company)

    async def create_companies(self, companies: Sequence[CompanyWrite]) -> list[Created]:
        return await self.write("POST", "/api/v4/companies", "companies", companies)

    # --- notes, tasks, tags ---------------------------------------------------------------

    async def list_notes(
        self, entity: Entity, entity_id: int | None = None, *, params: Params | None = None
    ) -> list[Note]:
        path = f"/api/v4/{entity}/{entity_id}/notes" if entity_id else f"/api/v4/{entity}/notes"
        return await self.collect(path, "notes", Note, params=params)

    async def add_notes(self, entity: Entity, notes: Sequence[NoteWrite]) -> list[Created]:
        return await self.write("POST", f"/api/v4/{entity}/notes", "notes", notes)

    async def list_tasks(self, *, params: Params | None = None) -> list[Task]:
        return await self.collect("/api/v4/tasks", "tasks", Task, params=params)

    async def create_tasks(self, tasks: Sequence[TaskWrite]) -> list[Created]:
        return await self.write("POST", "/api/v4/tasks", "tasks", tasks)

    async def update_tasks(self, tasks: Sequence[TaskWrite]) -> list[Created]:
        _require_ids(tasks)
        return await self.write("PATCH", "/api/v4/tasks", "tasks", tasks)

    async def list_tags(self, entity: Entity, *, params: Params | None = None) -> list[Tag]:
        return await self.collect(f"/api/v4/{entity}/tags", "tags", Tag, params=params)

    async def add_tags(self, entity: Entity, names: Sequence[str]) -> list[Tag]:
        out: list[Tag] = []
        for start in range(0, len(names), 50):
            body = await self.request(
                "POST",
                f"/api/v4/{entity}/tags",
                json=[{"name": name} for name in names[start : start + 50]],
            )
            if body is not None:
                out.extend(Tag.model_validate(tag) for tag in body["_embedded"]["tags"])
        return out

    # --- sources, talks ---------------------------------------------------------------------

    async def list_sources(self) -> list[Source]:
        return await self.collect("/api/v4/sources", "sources", Source)

    def source_pages(self) -> AsyncIterator[list[Source]]:
        return self.pages("/api/v4/sources", "sources", Source)

    async def get_talk(self, talk_id: int) -> Talk | None:
        return await self.one(f"/api/v4/talks/{talk_id}", Talk)

    async def close_talk(self, talk_id: int, *, force: bool = True) -> None:
        """Close a talk (202); `force` skips the NPS bot."""
        await self.request("POST", f"/api/v4/talks/{talk_id}/close", json={"force_close": force})

    # --- events ---------------------------------------------------------------------------

    async def iter_events(
        self,
        *,
        types: Sequence[str] = (),
        since: int | None = None,
        params: Params | None = None,
    ) -> AsyncIterator[Event]:
        """The account's events log (newest first), of `types` (`lead_status_changed`, ...)
        created at or after `since` (unix seconds)."""
        query: dict[str, str | int | Sequence[str | int]] = dict(params or {})
        if types:
            query["filter[type]"] = ",".join(types)
        if since is not None:
            query["filter[created_at][from]"] = since
        async for page in self.pages("/api/v4/events", "events", Event, params=query):
            for event in page:
                yield event

    # --- webhooks ---------------------------------------------------------------------------

    async def list_webhooks(self, destination: str | None = None) -> list[Webhook]:
        params: Params = {"filter[destination]": destination} if destination else {}
        return await self.collect("/api/v4/webhooks", "webhooks", Webhook, params=params)

    async def subscribe_webhook(self, webhook: WebhookWrite) -> Webhook:
        """Upsert by destination. Kommo *replaces* the settings list: merge before calling."""
        body = await self.request("POST", "/api/v4/webhooks", json=webhook.to_wire())
        return Webhook.model_validate(body)

    async def unsubscribe_webhook(self, destination: str) -> None:
        await self.request("DELETE", "/api/v4/webhooks", json={"destination": destination})


def _require_ids(items: Sequence[LeadWrite | ContactWrite | TaskWrite]) -> None:
    missing = [index for index, item in enumerate(items) if item.id is None]
    if missing:
        raise ValueError(f"updates need an id (items {missing[:5]})")
