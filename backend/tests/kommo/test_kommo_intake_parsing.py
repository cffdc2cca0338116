"""Webhook bodies, from the wire format to typed events: every kind, indexes past 9, companies
under `contacts`, our own changes marked `own`, dedup keys, and bodies refused with a reason."""

from __future__ import annotations

import random
import re
from urllib.parse import quote

import orjson
import pytest
from agentplatform.kommo.simulator.events import (
    lead_event,
    message_event,
    note_event,
    party_event,
    talk_event,
    task_event,
    webhook_body,
)
from agentplatform.kommo.simulator.state import WON, seed
from agentplatform.kommo.webhooks.events import (
    ContactEvent,
    LeadEvent,
    MessageEvent,
    NoteEvent,
    TalkEvent,
    TaskEvent,
    UnhandledEvent,
    UnsortedEvent,
    dump_event,
    load_event,
)
from agentplatform.kommo.webhooks.parsing import (
    Identity,
    WebhookRejected,
    parse_chat_delivery,
    parse_delivery,
)

ACCOUNT = [
    "account[subdomain]=acme",
    "account[id]=32720107",
    "account[_links][self]=https://acme.kommo.com",
]

# API.md §2.3, the lead stage change, line by line as Kommo sends it (account block last).
STATUS_LEAD = """
leads[status][0][id]=25399013
leads[status][0][name]=Website enquiry
leads[status][0][status_id]=67548619
leads[status][0][old_status_id]=67548607
leads[status][0][pipeline_id]=8572511
leads[status][0][old_pipeline_id]=8572511
leads[status][0][price]=1000
leads[status][0][responsible_user_id]=11087123
leads[status][0][last_modified]=1726572758
leads[status][0][modified_user_id]=11087123
leads[status][0][created_user_id]=11087123
leads[status][0][date_create]=1726572752
leads[status][0][account_id]=32720107
leads[status][0][created_at]=1726572752
leads[status][0][updated_at]=1726572758
leads[status][0][custom_fields][0][id]=1246489
leads[status][0][custom_fields][0][name]=Interest
leads[status][0][custom_fields][0][values][0][value]=Premium
leads[status][0][custom_fields][0][values][0][enum]=908107
leads[status][0][tags][0][id]=80147
leads[status][0][tags][0][name]=ai-agent
"""

MESSAGE = """
message[add][0][id]=660b5b93-4ead-4c4c-ac38-3797c062146c
message[add][0][chat_id]=33b41601-7ed1-443b-9108-6938ae6b7935
message[add][0][talk_id]=191
message[add][0][contact_id]=11018118
message[add][0][text]=Hello, how much is the premium plan?
message[add][0][created_at]=1726581295
message[add][0][element_type]=2
message[add][0][entity_type]=lead
message[add][0][element_id]=9276114
message[add][0][entity_id]=9276114
message[add][0][type]=incoming
message[add][0][author][id]=e1ec058c-7efb-4b59-9a31-24b1bc3168f6
message[add][0][author][type]=external
message[add][0][author][name]=Jane Client
message[add][0][author][avatar_url]=https://amojo.kommo.com/attachments/profiles/x/file-0_128x128.jpg
message[add][0][origin]=telegram
"""

TALK = """
talk[{action}][0][talk_id]=191
talk[{action}][0][created_at]=1726581298
talk[{action}][0][updated_at]=1726581299
talk[{action}][0][rate]=0
talk[{action}][0][contact_id]=11018118
talk[{action}][0][chat_id]=33b41601-7ed1-443b-9108-6938ae6b7935
talk[{action}][0][entity_id]=9276114
talk[{action}][0][entity_type]=lead
talk[{action}][0][is_in_work]={in_work}
talk[{action}][0][is_read]=0
talk[{action}][0][origin]=telegram
"""

NOTE = """
{section}[note][0][note][id]={id}
{section}[note][0][note][text]=Client asked for a callback tomorrow
{section}[note][0][note][note_type]=4
{section}[note][0][note][element_type]={element_type}
{section}[note][0][note][element_id]=15320411
{section}[note][0][note][attachement]=
{section}[note][0][note][date_create]=2024-09-17 16:38:11
{section}[note][0][note][created_by]=11087123
{section}[note][0][note][main_user_id]=11087123
{section}[note][0][note][metadata]={{"event_source":{{"id":11087123,"type":1}}}}
{section}[note][0][note][account_id]=32720107
{section}[note][0][note][created_at]=1726580291
{section}[note][0][note][updated_at]=1726580329
"""

PARTY = """
contacts[{action}][0][id]={id}
contacts[{action}][0][name]={name}
contacts[{action}][0][type]={type}
contacts[{action}][0][responsible_user_id]=11087123
contacts[{action}][0][last_modified]=1726572800
contacts[{action}][0][modified_user_id]=0
contacts[{action}][0][custom_fields][0][id]=1246481
contacts[{action}][0][custom_fields][0][code]=PHONE
contacts[{action}][0][custom_fields][0][values][0][value]=+14155551234
contacts[{action}][0][custom_fields][0][values][0][enum]=WORK
"""

TASK = """
task[add][0][id]=8801
task[add][0][element_id]=25399013
task[add][0][element_type]=2
task[add][0][task_type]=1
task[add][0][text]=Call back
task[add][0][status]=0
task[add][0][responsible_user_id]=11087123
task[add][0][created_user_id]=11087123
task[add][0][complete_till]=2024-09-18 10:00:00
task[add][0][complete_before]=1726653600
task[add][0][created_at]=1726580000
task[add][0][updated_at]=1726580000
"""

UNSORTED = """
unsorted[add][0][uid]=f3a4c1d2
unsorted[add][0][category]=chats
unsorted[add][0][lead_id]=25399099
unsorted[add][0][pipeline_id]=8572511
unsorted[add][0][created_at]=1726580400
unsorted[add][0][source_data][from]=Jane
unsorted[add][0][source_data][service]=telegram
unsorted[delete][0][uid]=f3a4c1d2
unsorted[delete][0][action]=accept
unsorted[delete][0][accept_result][leads][0]=25399099
"""


def body_of(*blocks: str, shuffle: bool = False) -> bytes:
    """The lines `key=value` as a form body, keys and values percent-encoded as Kommo does."""
    lines = [line for block in blocks for line in block.strip().splitlines() if line]
    if shuffle:
        random.Random(7).shuffle(lines)
    pairs = []
    for line in lines:
        key, _, value = line.partition("=")
        pairs.append(f"{quote(key, safe='')}={quote(value, safe='')}")
    return "&".join(pairs).encode()


def test_a_stage_change_reads_as_kommo_documents_it() -> None:
    delivery = parse_delivery(body_of(STATUS_LEAD, *ACCOUNT))

    assert (delivery.account_id, delivery.subdomain) == (32720107, "acme")
    [event] = delivery.events
    assert isinstance(event, LeadEvent)
    assert event.kind == "lead.status"
    assert (event.id, event.status_id, event.old_status_id) == (25399013, 67548619, 67548607)
    assert (event.pipeline_id, event.price, event.modified_user_id) == (8572511, 1000, 11087123)
    assert event.custom_fields[0].name == "Interest"
    assert (event.custom_fields[0].values[0].value, event.custom_fields[0].values[0].enum) == (
        "Premium",
        "908107",
    )
    assert [t.name for t in event.tags] == ["ai-agent"]
    assert event.subject == ("lead", "25399013")
    assert event.dedup_key == "lead.status:25399013:1726572758:67548619"
    assert event.own is False
    assert load_event(orjson.loads(orjson.dumps(dump_event(event)))) == event


def test_every_kind_in_one_body_in_any_field_order() -> None:
    lead_blocks = [
        STATUS_LEAD.replace("[status]", f"[{action}]")
        for action in ("add", "update", "responsible", "delete", "restore")
    ]
    body = body_of(
        *ACCOUNT,
        STATUS_LEAD,
        *lead_blocks,
        NOTE.format(section="leads", id=1, element_type=2),
        PARTY.format(action="add", id=501, name="Jane", type="contact"),
        PARTY.format(action="update", id=601, name="Acme Corp", type="company"),
        NOTE.format(section="contacts", id=2, element_type=3) + "contacts[note][0][type]=company",
        TASK,
        MESSAGE,
        TALK.format(action="add", in_work=1),
        TALK.format(action="update", in_work=0),
        UNSORTED,
        shuffle=True,
    )

    events = parse_delivery(body).events

    kinds = sorted(e.kind for e in events)
    assert kinds == sorted(
        [
            "lead.status", "lead.add", "lead.update", "lead.responsible", "lead.delete",
            "lead.restore", "lead.note", "contact.add", "company.update", "company.note",
            "task.add", "message.add", "talk.add", "talk.update", "unsorted.add",
            "unsorted.delete",
        ]
    )  # fmt: skip
    by_kind = {e.kind: e for e in events}
    company = by_kind["company.update"]
    assert isinstance(company, ContactEvent)
    assert company.subject == ("company", "601")
    assert company.custom_fields[0].code == "PHONE"
    note = by_kind["company.note"]
    assert isinstance(note, NoteEvent)
    assert (note.note.id, note.note.note_type, note.subject) == (2, 4, ("company", "15320411"))
    message = by_kind["message.add"]
    assert isinstance(message, MessageEvent)
    assert message.incoming
    assert message.author.type == "external"
    assert message.subject == ("lead", "9276114")
    assert message.dedup_key == "message.add:660b5b93-4ead-4c4c-ac38-3797c062146c"
    task = by_kind["task.add"]
    assert isinstance(task, TaskEvent)
    assert (task.element_id, task.complete_before) == (25399013, 1726653600)
    closed = by_kind["talk.update"]
    assert isinstance(closed, TalkEvent)
    assert (closed.is_in_work, closed.is_read) == (False, False)
    accepted = by_kind["unsorted.delete"]
    assert isinstance(accepted, UnsortedEvent)
    assert accepted.action == "accept"
    assert len({e.dedup_key for e in events}) == len(events)


def test_indexes_past_nine_keep_their_order() -> None:
    lines = []
    for i in range(12):
        lines += [f"leads[status][{i}][id]={1000 + i}", f"leads[status][{i}][last_modified]=5"]
        lines += [f"leads[status][0][custom_fields][{i}][id]={i}"]
    events = parse_delivery(body_of(*ACCOUNT, "\n".join(lines), shuffle=True)).events
    assert [e.subject[1] for e in events] == [str(1000 + i) for i in range(12)]
    first = events[0]
    assert isinstance(first, LeadEvent)
    assert [f.id for f in first.custom_fields] == list(range(12))


def test_the_simulators_bodies_parse_to_the_same_facts() -> None:
    state = seed(None, "acme")
    lead = next(iter(state.entities["leads"].values()))
    contact = next(iter(state.entities["contacts"].values()))
    company = next(iter(state.entities["companies"].values()))
    talk = state.talks[191]
    note = {"id": 77, "note_type": "common", "entity_id": lead["id"], "params": {"text": "hi"},
            "created_by": state.admin_id, "created_at": 1726580291}  # fmt: skip
    task = {"id": 88, "entity_id": lead["id"], "entity_type": "leads", "text": "Call",
            "complete_till": 1726653600, "created_at": 1, "updated_at": 2}  # fmt: skip
    events = [
        lead_event("status", {**lead, "status_id": WON}, lead),
        party_event("update", contact, "contact"),
        party_event("add", company, "company"),
        note_event("leads", note),
        message_event(state, talk, "How much?", message_id="m-1"),
        message_event(state, talk, "It is $49", message_id="m-2", incoming=False),
        talk_event("update", talk),
        task_event("add", task),
    ]
    for account_first in (True, False):
        body = webhook_body(state, "http://sim", events, account_first=account_first)
        admin_amojo = str(state.users[state.admin_id]["amojo_id"])
        ours = Identity(user_ids=frozenset({state.admin_id}), amojo_ids=frozenset({admin_amojo}))
        parsed = parse_delivery(body, ours)
        assert parsed.account_id == state.account_id
        assert [e.kind for e in parsed.events] == [
            "lead.status",
            "lead.note",
            "contact.update",
            "company.add",
            "message.add",
            "message.add",
            "talk.update",
            "task.add",
        ]  # fmt: skip (grouped by section, as one body carries them)
        status = parsed.events[0]
        assert isinstance(status, LeadEvent)
        assert (status.status_id, status.old_status_id) == (WON, lead["status_id"])
        incoming, outgoing = parsed.events[4], parsed.events[5]
        assert isinstance(incoming, MessageEvent)
        assert isinstance(outgoing, MessageEvent)
        # The manager's (our token's user's) message is ours; the client's is not.
        assert (incoming.own, outgoing.own) == (False, True)
        assert not outgoing.incoming


def test_our_own_changes_are_marked_own() -> None:
    ours = Identity(user_ids=frozenset({11087123}), amojo_ids=frozenset({"bot-amojo"}))
    others = Identity(user_ids=frozenset({42}))
    body = body_of(*ACCOUNT, STATUS_LEAD, NOTE.format(section="leads", id=1, element_type=2))
    assert [e.own for e in parse_delivery(body, ours).events] == [True, True]
    assert [e.own for e in parse_delivery(body, others).events] == [False, False]
    robot = STATUS_LEAD.replace("[modified_user_id]=11087123", "[modified_user_id]=0")
    assert [e.own for e in parse_delivery(body_of(*ACCOUNT, robot), ours).events] == [False]
    bot_message = MESSAGE.replace("e1ec058c-7efb-4b59-9a31-24b1bc3168f6", "bot-amojo")
    assert parse_delivery(body_of(*ACCOUNT, bot_message), ours).events[0].own is True


def test_the_same_change_has_one_dedup_key_and_the_next_another() -> None:
    first = parse_delivery(body_of(*ACCOUNT, STATUS_LEAD)).events[0]
    again = parse_delivery(body_of(STATUS_LEAD, *ACCOUNT, shuffle=True)).events[0]
    later = parse_delivery(
        body_of(*ACCOUNT, STATUS_LEAD.replace("=1726572758", "=1726572999"))
    ).events[0]
    assert first.dedup_key == again.dedup_key != later.dedup_key
    # Two moves within one second are two events; so are two different updates.
    moved_on = parse_delivery(
        body_of(*ACCOUNT, STATUS_LEAD.replace("[status_id]=67548619", "[status_id]=142"))
    ).events[0]
    assert moved_on.dedup_key == "lead.status:25399013:1726572758:142"
    update = STATUS_LEAD.replace("[status]", "[update]")
    renamed = update.replace("=Website enquiry", "=Website enquiry (VIP)")
    updates = [parse_delivery(body_of(*ACCOUNT, u)).events[0] for u in (update, update, renamed)]
    assert updates[0].dedup_key == updates[1].dedup_key != updates[2].dedup_key
    # Without a version field (a delete sends little), the fields themselves are the version.
    gone = "leads[delete][0][id]=5\nleads[delete][0][status_id]=1\nleads[delete][0][pipeline_id]=2"
    one = parse_delivery(body_of(*ACCOUNT, gone)).events[0]
    two = parse_delivery(body_of(gone, *ACCOUNT)).events[0]
    assert one.dedup_key == two.dedup_key
    assert one.dedup_key.startswith("lead.delete:5:")


def test_kinds_we_do_not_handle_are_kept_as_unhandled() -> None:
    body = body_of(
        *ACCOUNT,
        "catalogs[add][0][id]=7\ncatalogs[add][0][name]=Price list",
        "leads[archive][0][id]=3",
        "customers[update][0][id]=9",
    )
    events = parse_delivery(body).events
    assert all(isinstance(e, UnhandledEvent) for e in events)
    assert sorted(e.kind for e in events) == ["catalogs.add", "customers.update", "leads.archive"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"\xff\xfe", "UTF-8"),
        (b"leads[add][0][id]=1", "account"),
        (b"account[id]=abc&account[subdomain]=acme", "account[id]"),
        (b"account[id]=1", "subdomain"),
        (b"account[id]=1&account[subdomain]=a&leads=1", "leads"),
        (b"account[id]=1&account[subdomain]=a&leads[add]=1", "leads[add]"),
        (b"account[id]=1&account[subdomain]=a&leads[add][0][id]=x", "leads[add][0][id]"),
        (b"account[id]=1&account[subdomain]=a&leads[add][0][name]=x", "leads[add][0][id]"),
        (b"account[id]=1&account[subdomain]=a&leads[add][0][name]=a%00b", "NUL"),
        (b"account[id]=1&account[subdomain]=a&leads]add[=1", "bracket"),
        (b"account[id]=1&account[subdomain]=a&message[add][0]=x", "message[add][0]"),
    ],
)
def test_unreadable_bodies_are_refused_with_the_reason(body: bytes, reason: str) -> None:
    with pytest.raises(WebhookRejected, match=re.escape(reason)):
        parse_delivery(body)


def test_a_chats_api_delivery_reads_as_a_chat_message() -> None:
    body = orjson.dumps(
        {
            "account_id": "amojo-acc",
            "time": 1695282809,
            "message": {
                "receiver": {"id": "client-42", "name": "Jane"},
                "sender": {"id": "manager-amojo", "name": "Manager"},
                "conversation": {"id": "kommo-chat-1", "client_id": "conv-42"},
                "timestamp": 1695282809,
                "message": {"id": "msg-1", "type": "text", "text": "Hello"},
            },
        }
    )
    delivery = parse_chat_delivery(body, 5, Identity(amojo_ids=frozenset({"manager-amojo"})))
    event = delivery.event
    assert delivery.amojo_account_id == "amojo-acc"
    assert (event.kind, event.subject, event.text) == ("chat.message", ("chat", "conv-42"), "Hello")
    assert event.dedup_key == "chat.message:msg-1"
    assert event.own is True
    with pytest.raises(WebhookRejected, match="JSON"):
        parse_chat_delivery(b"{nope", 5, Identity())
    with pytest.raises(WebhookRejected, match=r"message\.message\.id"):
        parse_chat_delivery(b'{"account_id": "a", "message": {}}', 5, Identity())
