"""The typed events a Kommo webhook body carries (see `parsing` for the wire format).

Every event knows its `kind` (`lead.status`, `message.add`, ...), the entity it is about, the
account it came from, whether our own integration caused it (`own`: handlers skip those, so the
agent's own messages and changes never wake the agent again) and its `dedup_key`: the kind, the
entity and a version that stays the same when Kommo sends the same change again (its retries, a
batch repeated, two subscriptions) and differs for the next change. The version is the field
Kommo advises (`last_modified`/`updated_at` of a lead, contact, company or task, with what the
change was, see `_Record`; a message's id; a note's id); an event without one uses a digest of
its own fields.

Values arrive as strings; empty strings are "no value". The models ignore fields they do not
name, so a field Kommo adds one day is no error.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter


def _blank(value: Any) -> Any:
    return None if value == "" else value


def _lenient_int(value: Any) -> Any:
    """An optional number Kommo sent as something else is no number (rather than a refused
    delivery: only the ids an event cannot do without must parse)."""
    if value == "" or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.lstrip("-").isdigit() else None
    return value


def _flag(value: Any) -> Any:
    return value in ("1", 1, True, "true") if value not in (None, "") else None


OptInt = Annotated[int | None, BeforeValidator(_lenient_int)]
OptStr = Annotated[str | None, BeforeValidator(_blank)]
OptBool = Annotated[bool | None, BeforeValidator(_flag)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class CustomFieldValueItem(Wire):
    value: OptStr = None
    enum: OptStr = None  # an enum id, or a code (WORK) for phones and emails


def _custom_values(raw: Any) -> Any:
    """`values[0]=1542067200` (a bare value) as `{value: ...}`."""
    if isinstance(raw, list):
        return [item if isinstance(item, dict) else {"value": item} for item in raw]
    return raw


class CustomField(Wire):
    """Old (v2) shape: `custom_fields[i][id|name|code|values][j][value|enum]`; a date field may
    be a bare `values[0]=1542067200`, kept as `value`."""

    id: int
    name: OptStr = None
    code: OptStr = None
    values: Annotated[list[CustomFieldValueItem], BeforeValidator(_custom_values)] = []


class TagItem(Wire):
    id: OptInt = None
    name: OptStr = None


class Event(Wire):
    """What every event has."""

    kind: str
    account_id: int
    own: bool = False

    @property
    def subject(self) -> tuple[str, str]:
        """What the event is about, as the events list shows it: (entity type, entity id)."""
        raise NotImplementedError

    @property
    def version(self) -> str:
        return digest(self.model_dump(mode="json", exclude={"own"}))

    @property
    def dedup_key(self) -> str:
        return f"{self.kind}:{self.subject[1]}:{self.version}"


def digest(value: object) -> str:
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


class _Record(Event):
    """A lead, contact or company as the account webhooks send it.

    Its version is the `last_modified` second, and, for the kinds that say what changed, what
    it changed to: a stage (`lead.status`), a responsible (`*.responsible`), or a digest of the
    fields (`*.update`). So two changes within one second are two events, while a retry (the
    same body) is one; `lead.status` and `*.responsible` keep keys the events log can rebuild
    (`reconcile`)."""

    id: int
    name: OptStr = None
    responsible_user_id: OptInt = None
    created_user_id: OptInt = None
    modified_user_id: OptInt = None
    last_modified: OptInt = None
    date_create: OptInt = None
    created_at: OptInt = None
    updated_at: OptInt = None
    custom_fields: list[CustomField] = []
    tags: list[TagItem] = []

    @property
    def entity_type(self) -> str:
        return self.kind.split(".", 1)[0]

    @property
    def subject(self) -> tuple[str, str]:
        return self.entity_type, str(self.id)

    @property
    def version(self) -> str:
        stamp = self.last_modified or self.updated_at
        if not stamp:
            return super().version
        action = self.kind.rsplit(".", 1)[-1]
        if action == "responsible":
            return f"{stamp}:{self.responsible_user_id or ''}"
        if action == "update":
            return f"{stamp}:{super().version}"
        return str(stamp)


class LeadEvent(_Record):
    shape: Literal["lead"] = "lead"
    status_id: OptInt = None
    old_status_id: OptInt = None
    pipeline_id: OptInt = None
    old_pipeline_id: OptInt = None
    price: OptInt = None

    @property
    def version(self) -> str:
        if self.kind == "lead.status" and (self.last_modified or self.updated_at):
            return f"{self.last_modified or self.updated_at}:{self.status_id or ''}"
        return super().version


class ContactEvent(_Record):
    """A contact or a company: both arrive under `contacts[...]`, told apart by `type`."""

    shape: Literal["contact"] = "contact"
    type: OptStr = None


class Note(Wire):
    id: int
    text: OptStr = None
    note_type: OptInt = None  # 4 common, 5 attachment, 25 service message, ...
    element_type: OptInt = None  # 1 contact, 2 lead, 3 company, 12 customer
    element_id: OptInt = None
    created_by: OptInt = None
    main_user_id: OptInt = None
    date_create: OptStr = None  # "YYYY-MM-DD HH:MM:SS"
    created_at: OptInt = None
    updated_at: OptInt = None


class NoteEvent(Event):
    """A note on a lead (`lead.note`), contact (`contact.note`) or company (`company.note`)."""

    shape: Literal["note"] = "note"
    note: Note

    @property
    def subject(self) -> tuple[str, str]:
        return self.kind.split(".", 1)[0], str(self.note.element_id or "")

    @property
    def version(self) -> str:
        return f"{self.note.id}:{self.note.updated_at or ''}"


class TaskEvent(Event):
    shape: Literal["task"] = "task"
    id: int
    element_id: OptInt = None
    element_type: OptInt = None
    task_type: OptInt = None
    text: OptStr = None
    status: OptInt = None  # 1 completed
    responsible_user_id: OptInt = None
    created_user_id: OptInt = None
    modified_user_id: OptInt = None
    complete_till: OptStr = None  # "YYYY-MM-DD HH:MM:SS"
    complete_before: OptInt = None
    last_modified: OptInt = None
    created_at: OptInt = None
    updated_at: OptInt = None

    @property
    def subject(self) -> tuple[str, str]:
        return "task", str(self.id)

    @property
    def version(self) -> str:
        stamp = self.last_modified or self.updated_at
        return str(stamp) if stamp else super().version


class Author(Wire):
    id: OptStr = None
    type: OptStr = None  # external (the client), user (a manager), bot
    name: OptStr = None


class Attachment(Wire):
    type: OptStr = None
    link: OptStr = None
    file_name: OptStr = None


class MessageEvent(Event):
    """A chat message (`message.add`): `type` incoming (the client wrote) or outgoing."""

    shape: Literal["message"] = "message"
    id: str
    chat_id: OptStr = None
    talk_id: OptInt = None
    contact_id: OptInt = None
    text: OptStr = None
    created_at: OptInt = None
    element_type: OptInt = None
    element_id: OptInt = None
    entity_type: OptStr = None  # lead | contact
    entity_id: OptInt = None
    type: OptStr = None
    author: Author = Author()
    origin: OptStr = None
    attachment: Attachment | None = None

    @property
    def subject(self) -> tuple[str, str]:
        if self.entity_id:
            return self.entity_type or "lead", str(self.entity_id)
        return "chat", self.chat_id or ""

    @property
    def incoming(self) -> bool:
        return self.type == "incoming"

    @property
    def version(self) -> str:
        return self.id

    @property
    def dedup_key(self) -> str:
        return f"{self.kind}:{self.id}"


class TalkEvent(Event):
    shape: Literal["talk"] = "talk"
    talk_id: int
    created_at: OptInt = None
    updated_at: OptInt = None
    rate: OptInt = None
    contact_id: OptInt = None
    chat_id: OptStr = None
    entity_id: OptInt = None
    entity_type: OptStr = None
    is_in_work: OptBool = None
    is_read: OptBool = None
    origin: OptStr = None

    @property
    def subject(self) -> tuple[str, str]:
        return "talk", str(self.talk_id)

    @property
    def version(self) -> str:  # two updates in one second differ in what they say
        return f"{self.updated_at or ''}:{digest(self.model_dump(mode='json', exclude={'own'}))}"


class UnsortedEvent(Event):
    shape: Literal["unsorted"] = "unsorted"
    uid: str
    category: OptStr = None
    lead_id: OptInt = None
    pipeline_id: OptInt = None
    created_at: OptInt = None
    action: OptStr = None  # on delete: accept | decline
    source_data: dict[str, Any] = {}

    @property
    def subject(self) -> tuple[str, str]:
        return "unsorted", self.uid


class ChatMessageEvent(Event):
    """A message in our own Chats API channel (a manager answered in Kommo), from the channel's
    v2 webhook (JSON, signed)."""

    shape: Literal["chat"] = "chat"
    message_id: str
    conversation_id: OptStr = None  # Kommo's chat id
    client_id: OptStr = None  # our conversation id
    sender_id: OptStr = None
    sender_name: OptStr = None
    receiver_id: OptStr = None
    type: OptStr = None
    text: OptStr = None
    timestamp: OptInt = None

    @property
    def subject(self) -> tuple[str, str]:
        return "chat", self.client_id or self.conversation_id or ""

    @property
    def dedup_key(self) -> str:
        return f"{self.kind}:{self.message_id}"


class UnhandledEvent(Event):
    """A well-formed part of a body we do not handle (catalogs, customers, ...): kept, ignored."""

    shape: Literal["unhandled"] = "unhandled"
    data: dict[str, Any] = {}

    @property
    def subject(self) -> tuple[str, str]:
        value = self.data.get("id")
        return self.kind.split(".", 1)[0], value if isinstance(value, str) else ""


AnyEvent = Annotated[
    LeadEvent
    | ContactEvent
    | NoteEvent
    | TaskEvent
    | MessageEvent
    | TalkEvent
    | UnsortedEvent
    | ChatMessageEvent
    | UnhandledEvent,
    Field(discriminator="shape"),
]
EVENTS: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)


def load_event(payload: dict[str, Any]) -> AnyEvent:
    """The event a stored payload (`dump_event`) holds."""
    return EVENTS.validate_python(payload)


def dump_event(event: Event) -> dict[str, Any]:
    return event.model_dump(mode="json")
