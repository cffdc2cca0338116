"""Kommo's v4 REST objects as pydantic models (what `KommoClient` reads and writes).

Names and fields are Kommo's own (`lead`, `status_id`, `custom_fields_values`, `_embedded`);
HAL's `_embedded` is `embedded` in Python. Read models keep fields we do not model (`extra`
allowed) so that a sync can store what it needs later without a client change; write models
(`LeadWrite`, ...) send only the fields that are set.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# --- shared pieces ---------------------------------------------------------------------------


class KommoModel(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class WriteModel(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class CustomFieldValueItem(KommoModel):
    value: Any = None
    enum_id: int | None = None
    enum_code: str | None = None


class CustomFieldValue(KommoModel):
    field_id: int | None = None
    field_code: str | None = None
    field_name: str | None = None
    field_type: str | None = None
    values: list[CustomFieldValueItem] | None = None


class TagRef(KommoModel):
    id: int | None = None
    name: str
    color: str | None = None


class EntityRef(KommoModel):
    id: int
    is_main: bool | None = None


# --- account and users -------------------------------------------------------------------------


class Account(KommoModel):
    id: int
    name: str
    subdomain: str
    current_user_id: int | None = None
    country: str | None = None
    currency: str | None = None
    currency_symbol: str | None = None
    customers_mode: str | None = None
    is_unsorted_on: bool | None = None
    is_loss_reason_enabled: bool | None = None
    is_helpbot_enabled: bool | None = None
    is_technical_account: bool | None = None
    amojo_id: str | None = None  # with=amojo_id: the account's identity in the Chats API
    version: int | None = None


class User(KommoModel):
    id: int
    name: str
    email: str | None = None
    lang: str | None = None
    amojo_id: str | None = None  # with=amojo_id: `sender.ref_id` when writing as this user
    rights: dict[str, Any] | None = None


# --- pipelines, statuses, custom fields, tags, sources --------------------------------------

WON_STATUS_ID = 142
LOST_STATUS_ID = 143


class Status(KommoModel):
    id: int
    name: str
    sort: int | None = None
    is_editable: bool | None = None
    pipeline_id: int
    color: str | None = None
    type: int = 0  # 0 a normal stage, 1 the incoming (unsorted) stage
    account_id: int | None = None


class PipelineEmbedded(KommoModel):
    statuses: list[Status] = Field(default_factory=list)


class Pipeline(KommoModel):
    id: int
    name: str
    sort: int | None = None
    is_main: bool = False
    is_unsorted_on: bool | None = None
    is_archive: bool = False
    account_id: int | None = None
    embedded: PipelineEmbedded = Field(default_factory=PipelineEmbedded, alias="_embedded")


class CustomFieldEnum(KommoModel):
    id: int
    value: str
    sort: int | None = None


class CustomField(KommoModel):
    id: int
    name: str
    type: str
    code: str | None = None
    sort: int | None = None
    is_api_only: bool | None = None
    entity_type: str | None = None
    group_id: str | None = None
    is_deletable: bool | None = None
    is_predefined: bool | None = None
    enums: list[CustomFieldEnum] | None = None


class Tag(KommoModel):
    id: int
    name: str
    color: str | None = None


class Source(KommoModel):
    id: int
    name: str
    pipeline_id: int | None = None
    external_id: str
    default: bool | None = None
    origin_code: str | None = None
    services: list[dict[str, Any]] | None = None


# --- leads, contacts, companies ---------------------------------------------------------------


class LeadEmbedded(KommoModel):
    tags: list[TagRef] = Field(default_factory=list)
    contacts: list[EntityRef] = Field(default_factory=list)
    companies: list[EntityRef] = Field(default_factory=list)


class Lead(KommoModel):
    id: int
    name: str | None = None
    price: int | None = None
    responsible_user_id: int | None = None
    group_id: int | None = None
    status_id: int
    pipeline_id: int
    loss_reason_id: int | None = None
    source_id: int | None = None
    created_by: int | None = None
    updated_by: int | None = None
    created_at: int | None = None
    updated_at: int | None = None
    closed_at: int | None = None
    closest_task_at: int | None = None
    is_deleted: bool | None = None
    custom_fields_values: list[CustomFieldValue] | None = None
    score: int | None = None
    account_id: int | None = None
    labor_cost: int | None = None
    embedded: LeadEmbedded = Field(default_factory=LeadEmbedded, alias="_embedded")


class PartyEmbedded(KommoModel):
    tags: list[TagRef] = Field(default_factory=list)
    leads: list[EntityRef] = Field(default_factory=list)
    contacts: list[EntityRef] = Field(default_factory=list)
    companies: list[EntityRef] = Field(default_factory=list)


class Contact(KommoModel):
    id: int
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    responsible_user_id: int | None = None
    group_id: int | None = None
    created_by: int | None = None
    updated_by: int | None = None
    created_at: int | None = None
    updated_at: int | None = None
    is_deleted: bool | None = None
    custom_fields_values: list[CustomFieldValue] | None = None
    account_id: int | None = None
    embedded: PartyEmbedded = Field(default_factory=PartyEmbedded, alias="_embedded")


class Company(KommoModel):
    id: int
    name: str | None = None
    responsible_user_id: int | None = None
    group_id: int | None = None
    created_by: int | None = None
    updated_by: int | None = None
    created_at: int | None = None
    updated_at: int | None = None
    is_deleted: bool | None = None
    custom_fields_values: list[CustomFieldValue] | None = None
    account_id: int | None = None
    embedded: PartyEmbedded = Field(default_factory=PartyEmbedded, alias="_embedded")


# --- notes, tasks, talks, webhooks --------------------------------------------------------------


class Note(KommoModel):
    id: int
    entity_id: int
    created_by: int | None = None
    updated_by: int | None = None
    created_at: int | None = None
    updated_at: int | None = None
    responsible_user_id: int | None = None
    group_id: int | None = None
    note_type: str
    params: dict[str, Any] = Field(default_factory=dict)
    account_id: int | None = None


class Task(KommoModel):
    id: int
    created_by: int | None = None
    updated_by: int | None = None
    created_at: int | None = None
    updated_at: int | None = None
    responsible_user_id: int | None = None
    group_id: int | None = None
    entity_id: int | None = None
    entity_type: str | None = None
    is_completed: bool = False
    task_type_id: int | None = None
    text: str
    duration: int | None = None
    complete_till: int
    result: dict[str, Any] | list[Any] | None = None
    account_id: int | None = None


class Talk(KommoModel):
    talk_id: int
    created_at: int | None = None
    updated_at: int | None = None
    rate: int | None = None
    contact_id: int | None = None
    chat_id: str | None = None
    entity_id: int | None = None
    entity_type: str | None = None
    is_in_work: bool | None = None
    is_read: bool | None = None
    origin: str | None = None
    missed_at: int | None = None
    account_id: int | None = None


class Event(KommoModel):
    """One entry of the account's events log (`GET /api/v4/events`): `value_after` and
    `value_before` are lists of objects keyed by what changed (`lead_status`, `message`, ...)."""

    id: str
    type: str
    entity_id: int | None = None
    entity_type: str | None = None
    created_by: int | None = None
    created_at: int
    value_after: list[dict[str, Any]] = Field(default_factory=list)
    value_before: list[dict[str, Any]] = Field(default_factory=list)
    account_id: int | None = None


class Webhook(KommoModel):
    id: int
    destination: str
    created_at: int | None = None
    updated_at: int | None = None
    account_id: int | None = None
    created_by: int | None = None
    sort: int | None = None
    disabled: bool = False
    settings: list[str] = Field(default_factory=list)


class Created(KommoModel):
    """What a batch write returns per item: the id and the `request_id` it was sent with."""

    id: int
    request_id: str | None = None


# --- what we write ----------------------------------------------------------------------------


class CustomFieldValueWrite(WriteModel):
    field_id: int | None = None
    field_code: str | None = None
    values: list[dict[str, Any]]


class EmbeddedWrite(WriteModel):
    tags: list[dict[str, Any]] | None = None
    contacts: list[dict[str, Any]] | None = None
    companies: list[dict[str, Any]] | None = None
    source: dict[str, Any] | None = None


class LeadWrite(WriteModel):
    """A lead to create (no `id`) or to update (`id` set)."""

    id: int | None = None
    name: str | None = None
    price: int | None = None
    status_id: int | None = None
    pipeline_id: int | None = None
    responsible_user_id: int | None = None
    loss_reason_id: int | None = None
    custom_fields_values: list[CustomFieldValueWrite] | None = None
    embedded: EmbeddedWrite | None = Field(default=None, alias="_embedded")
    request_id: str | None = None


class ContactWrite(WriteModel):
    id: int | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    responsible_user_id: int | None = None
    custom_fields_values: list[CustomFieldValueWrite] | None = None
    embedded: EmbeddedWrite | None = Field(default=None, alias="_embedded")
    request_id: str | None = None


class CompanyWrite(WriteModel):
    id: int | None = None
    name: str | None = None
    responsible_user_id: int | None = None
    custom_fields_values: list[CustomFieldValueWrite] | None = None
    embedded: EmbeddedWrite | None = Field(default=None, alias="_embedded")
    request_id: str | None = None


class NoteWrite(WriteModel):
    """`note_type` is Kommo's string (`common`, `service_message`, ...); `params` its fields."""

    entity_id: int
    note_type: str
    params: dict[str, Any]
    request_id: str | None = None


class TaskWrite(WriteModel):
    id: int | None = None
    text: str | None = None
    complete_till: int | None = None
    entity_id: int | None = None
    entity_type: str | None = None
    task_type_id: int | None = None
    responsible_user_id: int | None = None
    duration: int | None = None
    is_completed: bool | None = None
    result: dict[str, Any] | None = None
    request_id: str | None = None


class WebhookWrite(WriteModel):
    destination: str
    settings: list[str]
    sort: int | None = None
