"""Kommo's webhooks from the simulator: the subscription API, the form encoding (bracket keys,
indexes past 9, companies under `contacts`), retries, duplicates and automatic sends."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from agentplatform.kommo.client import KommoClient, KommoValidationError
from agentplatform.kommo.client.models import LeadWrite, WebhookWrite
from agentplatform.kommo.forms import FormDecodeError, encode_form, parse_form
from agentplatform.kommo.simulator import KommoSimulator
from agentplatform.kommo.simulator.events import lead_event, message_event, party_event
from agentplatform.kommo.simulator.state import WON

from tests.kommo.support import Receiver


def test_form_encoding_round_trips_with_indexes_past_nine() -> None:
    data = {"leads": {"status": [{"id": str(i), "tags": [{"name": f"t{i}"}]} for i in range(12)]}}
    assert parse_form(encode_form(data)) == data

    # Kommo's field order varies; lists are ordered by their integer index, not as strings.
    body = b"&".join(
        f"leads[add][0][custom_fields][{i}][id]={i}".encode() for i in (10, 2, 11, 0, 1, 9, 3)
    )
    fields = parse_form(body)["leads"]["add"][0]["custom_fields"]
    assert [f["id"] for f in fields] == ["0", "1", "2", "3", "9", "10", "11"]
    assert parse_form(b"tags[]=a&tags[]=b&x=") == {"tags": ["a", "b"], "x": ""}


@pytest.mark.parametrize(
    "body",
    [b"", b"a[b]=1&a=2", b"a=1&a[b]=2", b"a]b=1", b"\xff\xfe", b"a=1&a=2", b"x[" + b"[y]" * 20],
)
def test_malformed_form_bodies_say_why(body: bytes) -> None:
    with pytest.raises(FormDecodeError):
        parse_form(body)


async def test_subscriptions_upsert_replace_and_delete(
    kommo: KommoSimulator, kommo_client: KommoClient, receiver: Receiver
) -> None:
    destination = f"{receiver.url}/hooks/kommo?secret=abc"
    assert await kommo_client.list_webhooks() == []  # 204

    first = await kommo_client.subscribe_webhook(
        WebhookWrite(destination=destination, settings=["add_lead", "status_lead"])
    )
    kommo.state.webhooks[destination]["disabled"] = True
    again = await kommo_client.subscribe_webhook(
        WebhookWrite(destination=destination, settings=["update_lead"])
    )
    assert again.id == first.id
    assert again.settings == ["update_lead"]  # replaced, not merged
    assert again.disabled is False  # re-saving re-enables
    listed = await kommo_client.list_webhooks(destination)
    assert [w.settings for w in listed] == [["update_lead"]]

    with pytest.raises(KommoValidationError) as caught:
        await kommo_client.subscribe_webhook(
            WebhookWrite(destination=destination, settings=["no_such_event"])
        )
    assert caught.value.field_errors[0].path == "settings.0"

    await kommo_client.unsubscribe_webhook(destination)
    assert await kommo_client.list_webhooks() == []


async def test_a_batch_of_twelve_status_changes_parses_back_in_order(
    kommo: KommoSimulator, receiver: Receiver
) -> None:
    state = kommo.state
    interest = next(f for f in state.custom_fields["leads"].values() if f["enums"])
    leads = []
    for index in range(12):
        lead_id = state.next_id()
        lead = {
            "id": lead_id, "name": f"Lead {index}", "price": 100 * index,
            "status_id": WON, "pipeline_id": state.main_pipeline()["id"],
            "responsible_user_id": state.admin_id, "created_at": 1726572752,
            "updated_at": 1726572758, "created_by": state.admin_id,
            "updated_by": state.admin_id, "account_id": state.account_id,
            "custom_fields_values": [
                {"field_id": 5000 + j, "field_name": f"Field {j}", "values": [{"value": f"v{j}"}]}
                for j in range(11)
            ] + [{"field_id": interest["id"], "field_name": "Interest",
                  "values": [{"value": "Premium", "enum_id": interest["enums"][1]["id"]}]}],
            "_embedded": {"tags": [{"id": 80147, "name": "ai-agent"}]},
        }  # fmt: skip
        leads.append(lead)
    old = {"status_id": state.first_stage(leads[0]["pipeline_id"]), "pipeline_id": 1}
    events = [lead_event("status", lead, {**lead, **old}) for lead in leads]

    deliveries = await asyncio.wrap_future(
        kommo.send_webhook(events, destination=f"{receiver.url}/hook")
    )

    assert [d.status for d in deliveries] == [200]
    hook = receiver.received[0]
    assert hook.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "x-signature" not in hook.headers  # account webhooks are not signed
    assert b"leads%5Bstatus%5D%5B11%5D%5Bid%5D=" in hook.body
    parsed = parse_form(hook.body)
    assert parsed["account"] == {"subdomain": "acme", "id": str(state.account_id),
                                 "_links": {"self": kommo.base_url}}  # fmt: skip
    status = parsed["leads"]["status"]
    assert [item["id"] for item in status] == [str(lead["id"]) for lead in leads]
    tenth = status[10]
    assert tenth["status_id"] == str(WON)
    assert tenth["old_status_id"] == str(old["status_id"])
    assert tenth["old_pipeline_id"] == "1"
    assert [f["id"] for f in tenth["custom_fields"]][:11] == [str(5000 + j) for j in range(11)]
    assert tenth["custom_fields"][11]["values"][0] == {
        "value": "Premium",
        "enum": str(interest["enums"][1]["id"]),
    }
    assert tenth["tags"] == [{"id": "80147", "name": "ai-agent"}]


async def test_companies_arrive_under_contacts_with_their_type(
    kommo: KommoSimulator, receiver: Receiver
) -> None:
    company = next(iter(kommo.state.entities["companies"].values()))
    contact = next(iter(kommo.state.entities["contacts"].values()))
    events = [party_event("update", contact, "contact"), party_event("add", company, "company")]

    await asyncio.wrap_future(
        kommo.send_webhook(events, destination=receiver.url, account_first=False)
    )

    parsed = parse_form(receiver.received[0].body)
    assert parsed["contacts"]["update"][0]["type"] == "contact"
    assert parsed["contacts"]["add"][0] == {**parsed["contacts"]["add"][0], "type": "company",
                                            "id": str(company["id"])}  # fmt: skip
    phone = parsed["contacts"]["update"][0]["custom_fields"][0]
    assert phone["code"] == "PHONE"
    assert phone["values"][0]["value"] == "+14155551234"
    assert list(parsed)[-1] == "account"  # the older bodies' order


async def test_failed_deliveries_are_retried_and_duplicates_happen(
    kommo: KommoSimulator, receiver: Receiver
) -> None:
    talk = kommo.state.talks[191]
    event = message_event(kommo.state, talk, "How much is premium?", message_id="m-1")
    receiver.statuses[:] = [500, 302]  # neither is a success for Kommo

    deliveries = await asyncio.wrap_future(
        kommo.send_webhook([event], destination=receiver.url, duplicates=1)
    )

    assert [(d.attempt, d.status, d.duplicate) for d in deliveries] == [
        (1, 500, False),
        (2, 302, False),
        (3, 200, False),
        (3, 200, True),
    ]
    assert len(receiver.received) == 4
    assert len({r.body for r in receiver.received}) == 1
    message = parse_form(receiver.received[-1].body)["message"]["add"][0]
    assert message["type"] == "incoming"
    assert message["talk_id"] == "191"
    assert message["author"]["type"] == "external"


async def test_changes_through_the_api_send_webhooks(
    kommo: KommoSimulator, kommo_client: KommoClient, receiver: Receiver
) -> None:
    await kommo_client.subscribe_webhook(
        WebhookWrite(destination=receiver.url, settings=["status_lead", "add_lead"])
    )
    lead_id = min(kommo.state.entities["leads"])
    await kommo_client.update_leads([LeadWrite(id=lead_id, status_id=WON)])
    await kommo_client.create_leads([LeadWrite(name="from the API")])

    for _ in range(500):
        if len(receiver.received) >= 2:
            break
        await asyncio.sleep(0.01)
    bodies = [parse_form(r.body) for r in receiver.received]
    status = next(b for b in bodies if "status" in b.get("leads", {}))["leads"]["status"][0]
    assert status["id"] == str(lead_id)
    assert status["status_id"] == str(WON)
    added = next(b for b in bodies if "add" in b.get("leads", {}))["leads"]["add"][0]
    assert added["name"] == "from the API"
    assert "update" not in next(b for b in bodies if "status" in b.get("leads", {}))["leads"]


async def test_events_go_to_the_subscribed_webhooks_and_the_admin_endpoint_sends_them(
    kommo: KommoSimulator, kommo_client: KommoClient, receiver: Receiver
) -> None:
    await kommo_client.subscribe_webhook(
        WebhookWrite(destination=f"{receiver.url}/messages", settings=["add_message"])
    )
    await kommo_client.subscribe_webhook(
        WebhookWrite(destination=f"{receiver.url}/leads", settings=["add_lead"])
    )
    talk = kommo.state.talks[191]

    deliveries = await asyncio.wrap_future(
        kommo.send_webhook([message_event(kommo.state, talk, "Hi", message_id="m-7")])
    )
    assert [d.destination for d in deliveries] == [f"{receiver.url}/messages"]

    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{kommo.base_url}/_simulator/talks/191/messages", json={"text": "Any discounts?"}
        )
    assert response.status_code == 200
    assert [d["status"] for d in response.json()["deliveries"]] == [200]
    texts = [parse_form(r.body)["message"]["add"][0]["text"] for r in receiver.received]
    assert texts == ["Hi", "Any discounts?"]
    assert {r.path for r in receiver.received} == {"/messages"}
