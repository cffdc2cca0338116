"""Kommo's webhook bodies, from the raw bytes to typed events.

Account webhooks are `application/x-www-form-urlencoded` with PHP bracket keys (`kommo.forms`),
every value a string, and may batch several entities and several kinds in one body:

    account[subdomain]=acme & account[id]=32720107 & account[_links][self]=https://acme.kommo.com
    leads[status][0][id]=25399013 & leads[status][0][last_modified]=1726572758 & ...
    message[add][0][id]=660b5b93-... & message[add][0][author][type]=external & ...

Sections and actions: `leads[add|update|status|responsible|delete|restore|note]`,
`contacts[add|update|responsible|delete|restore|note]` (a company is a contact with
`type=company`), `task[add|update|responsible|delete]` (singular), `message[add]`,
`talk[add|update]`, `unsorted[add|update|delete]`. Anything else well formed (catalogs,
customers, an action we do not know) becomes an `UnhandledEvent`, stored and ignored.

A body that is not form encoding, has no `account[id]`, holds text PostgreSQL cannot store, or
whose known sections do not have Kommo's shape is refused with `WebhookRejected` and the reason.

The Chats API channel's deliveries are JSON (`parse_chat_delivery`), signed by the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import ValidationError

from agentplatform.core.storable import describe, find_unstorable
from agentplatform.kommo.forms import FormDecodeError, parse_form
from agentplatform.kommo.webhooks.events import (
    AnyEvent,
    ChatMessageEvent,
    ContactEvent,
    Event,
    LeadEvent,
    MessageEvent,
    NoteEvent,
    TalkEvent,
    TaskEvent,
    UnhandledEvent,
    UnsortedEvent,
)


class WebhookRejected(ValueError):
    """The body is not a Kommo webhook we can read; the message says why."""


@dataclass(frozen=True)
class Identity:
    """Who "we" are in the account: the Kommo user ids our token acts as (its changes carry
    them as `modified_user_id`/`created_by`) and the Chats API ids our messages are sent as."""

    user_ids: frozenset[int] = frozenset()
    amojo_ids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Delivery:
    account_id: int
    subdomain: str
    events: list[AnyEvent] = field(default_factory=list)


_RECORD_ACTIONS = frozenset({"add", "update", "responsible", "delete", "restore"})
_ACTIONS: dict[str, frozenset[str]] = {
    "leads": _RECORD_ACTIONS | {"status", "note"},
    "contacts": _RECORD_ACTIONS | {"note"},
    "task": frozenset({"add", "update", "responsible", "delete"}),
    "message": frozenset({"add"}),
    "talk": frozenset({"add", "update"}),
    "unsorted": frozenset({"add", "update", "delete"}),
}


def parse_delivery(body: bytes, identity: Identity = Identity()) -> Delivery:
    """The account and the events of one account-webhook body (`WebhookRejected` if unreadable)."""
    try:
        data = parse_form(body)
    except FormDecodeError as exc:
        raise WebhookRejected(str(exc)) from exc
    found = find_unstorable(data)
    if found is not None:
        raise WebhookRejected(describe(*found))
    account_id, subdomain = _account(data.get("account"))
    events: list[AnyEvent] = []
    for section, actions in data.items():
        if section == "account":
            continue
        for action, items in _actions_of(section, actions):
            for index, item in enumerate(items):
                where = f"{section}[{action}][{index}]"
                event = _event(section, action, item, account_id, where)
                events.append(_with_own(event, identity))
    return Delivery(account_id=account_id, subdomain=subdomain, events=events)


def _account(block: Any) -> tuple[int, str]:
    if not isinstance(block, dict):
        raise WebhookRejected("the body has no account[...] block")
    raw_id, subdomain = block.get("id"), block.get("subdomain")
    if not isinstance(raw_id, str) or not raw_id.isdigit():
        raise WebhookRejected("account[id] is missing or not a number")
    if not isinstance(subdomain, str) or not subdomain:
        raise WebhookRejected("account[subdomain] is missing")
    return int(raw_id), subdomain


def _actions_of(section: str, actions: Any) -> list[tuple[str, list[Any]]]:
    if not isinstance(actions, dict):
        if section in _ACTIONS:
            raise WebhookRejected(f"{section} is not a map of actions")
        return [("", [actions])]
    out = []
    for action, items in actions.items():
        if not isinstance(items, list):
            if section in _ACTIONS and action in _ACTIONS[section]:
                raise WebhookRejected(f"{section}[{action}] is not a list")
            items = [items]
        out.append((action, items))
    return out


def _event(section: str, action: str, item: Any, account_id: int, where: str) -> AnyEvent:
    known = action in _ACTIONS.get(section, ())
    if not known:
        kind = f"{section}.{action}" if action else section
        data = item if isinstance(item, dict) else {"value": item}
        return UnhandledEvent(kind=kind, account_id=account_id, data=data)
    if not isinstance(item, dict):
        raise WebhookRejected(f"{where} is not a map of fields")
    try:
        return _BUILDERS[section](action, item, account_id)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = "".join(f"[{part}]" for part in first["loc"])
        raise WebhookRejected(f"{where}{loc}: {first['msg']}") from exc


def _lead(action: str, item: dict[str, Any], account_id: int) -> AnyEvent:
    if action == "note":
        return NoteEvent.model_validate({**item, "kind": "lead.note", "account_id": account_id})
    return LeadEvent.model_validate({**item, "kind": f"lead.{action}", "account_id": account_id})


def _party(action: str, item: dict[str, Any], account_id: int) -> AnyEvent:
    entity = "company" if item.get("type") == "company" else "contact"
    if action == "note":
        fields = {k: v for k, v in item.items() if k != "type"}
        return NoteEvent.model_validate(
            {**fields, "kind": f"{entity}.note", "account_id": account_id}
        )
    return ContactEvent.model_validate(
        {**item, "kind": f"{entity}.{action}", "account_id": account_id}
    )


def _simple(model: type[Event], entity: str) -> Callable[[str, dict[str, Any], int], AnyEvent]:
    def build(action: str, item: dict[str, Any], account_id: int) -> AnyEvent:
        event = model.model_validate(
            {**item, "kind": f"{entity}.{action}", "account_id": account_id}
        )
        return event  # type: ignore[return-value]

    return build


_BUILDERS: dict[str, Callable[[str, dict[str, Any], int], AnyEvent]] = {
    "leads": _lead,
    "contacts": _party,
    "task": _simple(TaskEvent, "task"),
    "message": _simple(MessageEvent, "message"),
    "talk": _simple(TalkEvent, "talk"),
    "unsorted": _simple(UnsortedEvent, "unsorted"),
}


def is_own(event: Event, identity: Identity) -> bool:
    """Whether our integration caused the event (its token's user changed it, or our bot or
    user wrote the message)."""
    users: Collection[int] = identity.user_ids
    if isinstance(event, LeadEvent | ContactEvent):
        author = event.created_user_id if event.kind.endswith(".add") else None
        return (author or event.modified_user_id) in users
    if isinstance(event, NoteEvent):
        return event.note.created_by in users
    if isinstance(event, TaskEvent):
        return (event.modified_user_id or event.created_user_id) in users
    if isinstance(event, MessageEvent):
        return event.author.id in identity.amojo_ids
    if isinstance(event, ChatMessageEvent):
        return event.sender_id in identity.amojo_ids
    return False


def _with_own(event: AnyEvent, identity: Identity) -> AnyEvent:
    own = is_own(event, identity)
    return event.model_copy(update={"own": True}) if own else event


# --- the Chats API channel ------------------------------------------------------------------


@dataclass(frozen=True)
class ChatDelivery:
    amojo_account_id: str
    event: ChatMessageEvent


def parse_chat_delivery(body: bytes, account_id: int, identity: Identity) -> ChatDelivery:
    """A Chats API v2 webhook (`{"account_id", "time", "message": {...}}`) as an event."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise WebhookRejected(f"the body is not JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        raise WebhookRejected("the body has no message object")
    found = find_unstorable(data)
    if found is not None:
        raise WebhookRejected(describe(*found))
    amojo_account = data.get("account_id")
    outer: dict[str, Any] = data["message"]
    inner = outer.get("message")
    if not isinstance(amojo_account, str) or not amojo_account:
        raise WebhookRejected("account_id is missing")
    if not isinstance(inner, dict) or not isinstance(inner.get("id"), str) or not inner["id"]:
        raise WebhookRejected("message.message.id is missing")

    def part(name: str) -> dict[str, Any]:
        value = outer.get(name)
        return value if isinstance(value, dict) else {}

    try:
        event = ChatMessageEvent.model_validate(
            {
                "kind": "chat.message",
                "account_id": account_id,
                "message_id": inner["id"],
                "conversation_id": part("conversation").get("id"),
                "client_id": part("conversation").get("client_id"),
                "sender_id": part("sender").get("id"),
                "sender_name": part("sender").get("name"),
                "receiver_id": part("receiver").get("id"),
                "type": inner.get("type"),
                "text": inner.get("text"),
                "timestamp": outer.get("timestamp") or data.get("time"),
            }
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise WebhookRejected(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
    own = is_own(event, identity)
    return ChatDelivery(amojo_account, event.model_copy(update={"own": own}))
