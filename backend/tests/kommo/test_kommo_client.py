"""The Kommo client against the simulator on loopback: pages, 204, 429, the shared rate limit,
IP blocks, Kommo's validation errors, batches, retries, token refresh and secrecy.

Counts requests (what the simulator recorded), never milliseconds."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from agentplatform.core.redis import create_redis
from agentplatform.kommo.client import (
    KommoClient,
    KommoIPBlocked,
    KommoNotFound,
    KommoPaymentRequired,
    KommoRateLimited,
    KommoRateLimiter,
    KommoUnauthorized,
    KommoUnavailable,
    KommoValidationError,
    StaticTokenProvider,
)
from agentplatform.kommo.client.models import (
    WON_STATUS_ID,
    CustomFieldValueWrite,
    LeadWrite,
    NoteWrite,
    TaskWrite,
)
from agentplatform.kommo.simulator import KommoSimulator
from arq import ArqRedis

from tests.conftest import Services
from tests.kommo.conftest import ClientFactory


def _add_leads(kommo: KommoSimulator, count: int) -> None:
    """Leads put straight into the simulated account (no API calls)."""
    state = kommo.state
    pipeline = state.main_pipeline()["id"]
    with state.lock:
        for index in range(count):
            lead_id = state.next_id()
            state.entities["leads"][lead_id] = {
                "id": lead_id,
                "name": f"Bulk {index}",
                "price": index,
                "status_id": state.first_stage(pipeline),
                "pipeline_id": pipeline,
                "account_id": state.account_id,
                "_embedded": {"tags": [], "contacts": [], "companies": []},
            }


async def test_reads_the_seeded_account(kommo: KommoSimulator, kommo_client: KommoClient) -> None:
    account = await kommo_client.account()
    assert account.id == kommo.state.account_id
    assert account.subdomain == "acme"
    assert account.amojo_id == kommo.state.amojo_id

    pipelines = await kommo_client.list_pipelines()
    assert {p.name for p in pipelines} == {"Sales", "Partners"}
    for pipeline in pipelines:
        ids = {s.id for s in pipeline.embedded.statuses}
        assert {142, 143} <= ids
        assert [s.type for s in pipeline.embedded.statuses].count(1) == 1
    statuses = await kommo_client.list_statuses(pipelines[0].id)
    assert {s.id for s in statuses} == {s.id for s in pipelines[0].embedded.statuses}

    users = await kommo_client.list_users()
    assert len(users) == 3
    assert all(u.amojo_id for u in users)
    fields = await kommo_client.list_custom_fields("contacts")
    assert {f.code for f in fields} >= {"PHONE", "EMAIL"}
    interest = next(f for f in await kommo_client.list_custom_fields("leads") if f.enums)
    assert [e.value for e in interest.enums or ()] == ["Basic", "Premium", "Custom"]

    leads = await kommo_client.list_leads(params={"with": "contacts"})
    assert len(leads) == 3
    assert all(lead.embedded.contacts for lead in leads)
    assert all(lead.embedded.tags[0].name == "website" for lead in leads)
    assert len(await kommo_client.list_contacts()) == 3
    assert [c.name for c in await kommo_client.list_companies()] == ["Globex Ltd"]
    talk = await kommo_client.get_talk(191)
    assert talk is not None
    assert talk.entity_id == leads[0].id


async def test_pages_follow_next_links_over_a_thousand_leads(
    kommo: KommoSimulator, kommo_client: KommoClient
) -> None:
    _add_leads(kommo, 1000)  # 1,003 with the seeded ones: 4 full pages of 250 and one of 3

    leads = [lead async for lead in kommo_client.iter_leads()]

    assert len(leads) == 1003
    assert len({lead.id for lead in leads}) == 1003
    assert [lead.id for lead in leads] == sorted(lead.id for lead in leads)
    assert kommo.count("/api/v4/leads", method="GET", status=200) == 5
    pages = [r.query for r in kommo.requests if r.path == "/api/v4/leads"]
    assert "page=5" in pages[-1]
    assert "limit=250" in pages[0]


async def test_filters_reach_kommo(kommo: KommoSimulator, kommo_client: KommoClient) -> None:
    pipeline = kommo.state.main_pipeline()
    found = await kommo_client.list_leads(
        params={"filter[statuses][0][pipeline_id]": pipeline["id"], "query": "Omar"}
    )
    assert [lead.name for lead in found] == ["Enquiry from Omar"]
    by_phone = await kommo_client.list_contacts(params={"query": "+14155551234"})
    assert [c.name for c in by_phone] == ["Jane Client"]


async def test_204_is_an_empty_list(kommo: KommoSimulator, kommo_client: KommoClient) -> None:
    assert await kommo_client.list_sources() == []
    assert await kommo_client.list_leads(params={"query": "nobody by that name"}) == []
    assert await kommo_client.get_lead(999_999_999) is None
    assert kommo.count("/api/v4/sources", status=204) == 1
    assert kommo.count("/api/v4/leads", status=204) == 2


async def test_429_is_retried_and_succeeds(
    kommo: KommoSimulator, kommo_client: KommoClient
) -> None:
    kommo.fail_next(2, 429, path="/api/v4/account")

    account = await kommo_client.account()

    assert account.id == kommo.state.account_id
    assert kommo.count("/api/v4/account", status=429) == 2
    assert kommo.count("/api/v4/account", status=200) == 1


async def test_two_clients_share_one_budget_and_stay_under_7_per_second(
    kommo: KommoSimulator, kommo_client_factory: ClientFactory, services: Services
) -> None:
    """Two "processes" (own limiter, own Redis connection) of one account, each allowed 4 per
    second: alone together they would send 8 per second, over Kommo's 7; sharing the window in
    Redis they send 4 and never draw a 429 (so no retry is needed: `attempts=1`)."""
    redis_a, redis_b = create_redis(services.redis_url), create_redis(services.redis_url)
    try:
        first = kommo_client_factory(limiter_=KommoRateLimiter(redis_a, per_second=4), attempts=1)
        second = kommo_client_factory(limiter_=KommoRateLimiter(redis_b, per_second=4), attempts=1)
        calls = [client.account() for client in (first, second) for _ in range(8)]

        accounts = await asyncio.gather(*calls)
    finally:
        await redis_a.aclose()
        await redis_b.aclose()

    assert len(accounts) == 16
    assert kommo.count("/api/v4/account", status=200) == 16
    assert kommo.count(status=429) == 0


async def test_without_the_shared_limit_the_simulator_answers_429(
    kommo: KommoSimulator, kommo_client_factory: ClientFactory
) -> None:
    """The control for the test above: two clients with windows of their own (no Redis) send
    16 at once, over Kommo's 7, meet its 429 and retry it."""
    first = kommo_client_factory(limiter_=KommoRateLimiter(None, per_second=8))
    second = kommo_client_factory(limiter_=KommoRateLimiter(None, per_second=8))

    await asyncio.gather(*(c.account() for c in (first, second) for _ in range(8)))

    assert kommo.count("/api/v4/account", status=200) == 16
    assert kommo.count("/api/v4/account", status=429) >= 1


async def test_html_403_is_an_ip_block_and_stops_every_client(
    kommo: KommoSimulator, kommo_client_factory: ClientFactory, redis: ArqRedis
) -> None:
    client = kommo_client_factory()
    kommo.block_ip()

    with pytest.raises(KommoIPBlocked) as caught:
        await client.list_leads()
    assert caught.value.kommo_status == 403
    assert kommo.count("/api/v4/leads") == 1  # never retried

    # The block is shared through Redis: another process's client does not even send.
    limiter = KommoRateLimiter(redis)
    other = kommo_client_factory(limiter_=limiter)
    with pytest.raises(KommoIPBlocked):
        await other.account()
    assert kommo.count("/api/v4/") == 1
    assert await limiter.blocked_for(client.account_host) > 0

    kommo.unblock_ip()
    await limiter.unblock(client.account_host)
    assert (await other.account()).id == kommo.state.account_id


async def test_validation_errors_name_the_item_and_field(
    kommo: KommoSimulator, kommo_client: KommoClient
) -> None:
    pipeline = kommo.state.main_pipeline()["id"]
    leads = [
        LeadWrite(name="fine", pipeline_id=pipeline),
        LeadWrite(
            name="bad field",
            custom_fields_values=[CustomFieldValueWrite(field_id=1, values=[{"value": "x"}])],
        ),
        LeadWrite(name="bad stage", pipeline_id=pipeline, status_id=12345),
    ]

    with pytest.raises(KommoValidationError) as caught:
        await kommo_client.create_leads(leads)

    error = caught.value
    assert error.kommo_status == 400
    found = {(e.request_id, e.path, e.code) for e in error.field_errors}
    assert found == {
        ("1", "custom_fields_values.0.field_id", "NotSupportedChoice"),
        ("2", "status_id", "NotSupportedChoice"),
    }
    assert {e.field for e in error.errors or ()} == {
        "kommo.custom_fields_values.0.field_id",
        "kommo.status_id",
    }
    assert kommo.count("/api/v4/leads", method="POST") == 1  # a 400 is not retried
    assert len(kommo.state.entities["leads"]) == 3  # nothing was written


async def test_note_and_task_validation(kommo: KommoSimulator, kommo_client: KommoClient) -> None:
    lead_id = min(kommo.state.entities["leads"])
    with pytest.raises(KommoValidationError) as caught:
        await kommo_client.add_notes(
            "leads", [NoteWrite(entity_id=lead_id, note_type="common", params={})]
        )
    assert [e.path for e in caught.value.field_errors] == ["params.text"]
    created = await kommo_client.add_notes(
        "leads",
        [NoteWrite(entity_id=lead_id, note_type="service_message",
                   params={"service": "AI agent", "text": "Qualified"})],
    )  # fmt: skip
    assert len(created) == 1
    notes = await kommo_client.list_notes("leads", lead_id)
    assert [n.params["text"] for n in notes] == ["Qualified"]

    with pytest.raises(KommoValidationError) as caught:
        await kommo_client.create_tasks([TaskWrite(text="call back")])
    assert [e.path for e in caught.value.field_errors] == ["complete_till"]
    await kommo_client.create_tasks(
        [TaskWrite(text="call back", complete_till=2_000_000_000, entity_id=lead_id,
                   entity_type="leads")]
    )  # fmt: skip
    tasks = await kommo_client.list_tasks(params={"filter[is_completed]": 0})
    assert [t.text for t in tasks] == ["call back"]


async def test_sixty_leads_go_in_two_batches(
    kommo: KommoSimulator, kommo_client: KommoClient
) -> None:
    created = await kommo_client.create_leads([LeadWrite(name=f"lead {i}") for i in range(60)])

    assert kommo.count("/api/v4/leads", method="POST") == 2
    assert [c.request_id for c in created] == [str(i) for i in range(60)]
    assert len({c.id for c in created}) == 60
    assert len(kommo.state.entities["leads"]) == 63

    won = await kommo_client.update_leads(
        [LeadWrite(id=c.id, status_id=WON_STATUS_ID) for c in created[:3]]
    )
    assert len(won) == 3
    lead = await kommo_client.get_lead(created[0].id)
    assert lead is not None
    assert lead.status_id == WON_STATUS_ID
    assert lead.closed_at is not None


async def test_5xx_is_retried_for_reads_but_a_create_is_not_sent_twice(
    kommo: KommoSimulator, kommo_client: KommoClient
) -> None:
    kommo.fail_next(1, 500, path="/api/v4/users")
    assert len(await kommo_client.list_users()) == 3
    assert kommo.count("/api/v4/users") == 2

    kommo.fail_next(1, 502, path="/api/v4/leads")
    with pytest.raises(KommoUnavailable):
        await kommo_client.create_leads([LeadWrite(name="maybe created")])
    assert kommo.count("/api/v4/leads", method="POST") == 1


async def test_a_refused_token_is_refreshed_once(
    kommo: KommoSimulator, kommo_client_factory: ClientFactory
) -> None:
    class Refreshing:
        def __init__(self) -> None:
            self.token = "not-a-valid-token"
            self.refreshes: list[str] = []

        async def get_token(self) -> str:
            return self.token

        async def refresh(self, rejected: str) -> str | None:
            self.refreshes.append(rejected)
            self.token = kommo.token
            return self.token

    tokens = Refreshing()
    client = kommo_client_factory(tokens=tokens)
    assert (await client.account()).id == kommo.state.account_id
    assert tokens.refreshes == ["not-a-valid-token"]
    assert kommo.count("/api/v4/account", status=401) == 1

    static = kommo_client_factory(tokens=StaticTokenProvider("revoked-token"))
    with pytest.raises(KommoUnauthorized):
        await static.account()
    assert kommo.count("/api/v4/account", status=401) == 2  # no refresh to be had: one try


async def test_unknown_paths_are_typed_not_found(kommo_client: KommoClient) -> None:
    with pytest.raises(KommoNotFound):
        await kommo_client.request("POST", "/api/v4/talks/424242/close", json={})


async def test_tokens_never_reach_the_logs(
    kommo: KommoSimulator, kommo_client: KommoClient, caplog: pytest.LogCaptureFixture
) -> None:
    kommo.fail_next(1, 503, path="/api/v4/account")
    with caplog.at_level(logging.DEBUG):
        await kommo_client.account()  # a retry, logged
        kommo.oauth.revoke_all()
        with pytest.raises(KommoUnauthorized) as caught:
            await kommo_client.account()
    assert "retrying a Kommo request" in caplog.text
    assert kommo.token not in caplog.text
    assert kommo.token not in str(caught.value)
    assert kommo.token not in repr(caught.value.__dict__)
    assert kommo.token not in repr(StaticTokenProvider(kommo.token))


async def test_a_full_schedule_fails_fast_without_sending(
    kommo: KommoSimulator, kommo_client_factory: ClientFactory
) -> None:
    """When the account's schedule is booked past `max_wait`, the call fails at once (and is
    not retried): the caller's job backs off instead of holding a worker."""
    client = kommo_client_factory(limiter_=KommoRateLimiter(None, per_second=1, max_wait=1.5))

    results = await asyncio.gather(*(client.account() for _ in range(3)), return_exceptions=True)

    failures = [r for r in results if isinstance(r, KommoRateLimited)]
    assert len(failures) == 1
    assert failures[0].kommo_status is None
    assert kommo.count("/api/v4/account") == 2


async def test_repeated_429s_turn_into_a_block_and_unpaid_is_402(
    kommo: KommoSimulator, kommo_client: KommoClient
) -> None:
    kommo.guard.rate_limit = 1
    kommo.guard.block_after_429s = 2
    headers = {"Authorization": f"Bearer {kommo.token}"}
    async with httpx.AsyncClient(base_url=kommo.base_url, headers=headers) as http:
        statuses = [(await http.get("/api/v4/account")).status_code for _ in range(4)]
        blocked = await http.get("/api/v4/account")
    assert statuses == [200, 429, 429, 403]
    assert blocked.headers["content-type"].startswith("text/html")
    assert "nginx" in blocked.text

    kommo.unblock_ip()
    kommo.guard.rate_limit = 7
    kommo.guard.unpaid = True
    with pytest.raises(KommoPaymentRequired):
        await kommo_client.account()
