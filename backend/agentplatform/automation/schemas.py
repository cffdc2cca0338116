"""Rules (trigger, conditions, actions), sequences (steps, exit conditions), the event a rule
reacts to, and what the routes answer."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    HttpUrl,
    PlainSerializer,
    PlainValidator,
    SecretStr,
    SerializationInfo,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from agentplatform.agents.schemas import Clock, WorkingHours
from agentplatform.automation.cron import check_cron
from agentplatform.automation.models import EnrolmentStatus, RunOutcome, StepStatus
from agentplatform.core.schemas import InputModel, OutputModel
from agentplatform.core.storable import CODE, find_unstorable

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(max_length=2000)]
Template = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
TagName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
FieldKey = Annotated[str, StringConstraints(min_length=1, max_length=100)]
KommoId = Annotated[int, Field(gt=0)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SECRET = "secret_encrypted"  # noqa: S105 - the name of the stored key, not a secret


def by_kind(models: dict[str, type[BaseModel]], members: Any) -> PlainValidator:
    """A union chosen by the value's `kind`: the chosen model's errors name their fields
    directly (`body.actions.0.status_id`), with no member's name in between."""

    def validate(value: Any) -> Any:
        if isinstance(value, BaseModel):
            return value
        found = find_unstorable(value)
        if found is not None:  # named where it is, even under a field this kind does not have
            path, reason = found
            error = PydanticCustomError(CODE, "{reason}", {"reason": reason})
            raise ValidationError.from_exception_data(
                "unstorable", [{"type": error, "loc": path, "input": value}]
            )
        kind = value.get("kind") if isinstance(value, dict) else None
        model = models.get(str(kind)) if kind is not None else None
        if model is None:
            raise PydanticCustomError(
                "union_tag_invalid",
                "kind must be one of: {expected}",
                {"expected": ", ".join(models)},
            )
        return model.model_validate(value)

    return PlainValidator(validate, json_schema_input_type=members)


def _dump(value: Any, info: SerializationInfo) -> Any:
    return value.model_dump(mode=info.mode) if isinstance(value, BaseModel) else value


#: Serializes a `by_kind` union's value as its own model (the union's serializer would not).
AS_MEMBER = PlainSerializer(_dump, when_used="always")


def shown(value: Any) -> Any:
    """`value` with every stored secret replaced by `secret_set: true`."""
    if isinstance(value, dict):
        return {
            ("secret_set" if k == SECRET else k): (True if k == SECRET else shown(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [shown(v) for v in value]
    return value


class TriggerKind(enum.StrEnum):
    lead_added = "lead_added"
    stage_changed = "stage_changed"
    incoming_message = "incoming_message"
    field_changed = "field_changed"
    tag_added = "tag_added"
    responsible_changed = "responsible_changed"
    no_reply_for = "no_reply_for"
    schedule = "schedule"


# --- triggers ---------------------------------------------------------------------------------


class SimpleTrigger(InputModel):
    kind: Literal[
        TriggerKind.lead_added,
        TriggerKind.stage_changed,
        TriggerKind.incoming_message,
        TriggerKind.responsible_changed,
    ]


class FieldChangedTrigger(InputModel):
    kind: Literal[TriggerKind.field_changed]
    field_ids: list[FieldKey] = Field(
        default_factory=list, max_length=50, description="Empty: any field"
    )


class TagAddedTrigger(InputModel):
    kind: Literal[TriggerKind.tag_added]
    tags: list[TagName] = Field(default_factory=list, max_length=50, description="Empty: any tag")


class NoReplyTrigger(InputModel):
    """The client has not written for this long since our (or a colleague's) last message."""

    kind: Literal[TriggerKind.no_reply_for]
    minutes: Annotated[int, Field(ge=5, le=60 * 24 * 60)]


class ScheduleTrigger(InputModel):
    """A cron expression (minute hour day month weekday, in the workspace's timezone) or every
    `every_minutes`; the event it makes has no lead."""

    kind: Literal[TriggerKind.schedule]
    cron: Annotated[str, StringConstraints(min_length=9, max_length=100)] | None = None
    every_minutes: Annotated[int, Field(ge=1, le=60 * 24 * 7)] | None = None

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        return None if value is None else check_cron(value)

    @model_validator(mode="after")
    def _one_of(self) -> ScheduleTrigger:
        if (self.cron is None) == (self.every_minutes is None):
            raise ValueError("give exactly one of cron and every_minutes")
        return self


_TRIGGER_MEMBERS = (
    SimpleTrigger | FieldChangedTrigger | TagAddedTrigger | NoReplyTrigger | ScheduleTrigger
)
Trigger = Annotated[
    _TRIGGER_MEMBERS,
    by_kind(
        {
            "lead_added": SimpleTrigger,
            "stage_changed": SimpleTrigger,
            "incoming_message": SimpleTrigger,
            "responsible_changed": SimpleTrigger,
            "field_changed": FieldChangedTrigger,
            "tag_added": TagAddedTrigger,
            "no_reply_for": NoReplyTrigger,
            "schedule": ScheduleTrigger,
        },
        _TRIGGER_MEMBERS,
    ),
    AS_MEMBER,
]


# --- conditions -------------------------------------------------------------------------------


class PipelineCondition(InputModel):
    kind: Literal["pipeline_stage"]
    pipeline_ids: list[KommoId] = Field(default_factory=list, max_length=200)
    status_ids: list[KommoId] = Field(default_factory=list, max_length=500)


class FieldCondition(InputModel):
    kind: Literal["field"]
    field_id: FieldKey
    op: Literal["equals", "contains", "in"]
    value: ShortText | list[ShortText]


class TagCondition(InputModel):
    kind: Literal["has_tag", "lacks_tag"]
    tag: TagName


class ResponsibleCondition(InputModel):
    kind: Literal["responsible_in"]
    user_ids: list[KommoId] = Field(min_length=1, max_length=200)


class TimeOfDayCondition(InputModel):
    """The event's time, in the workspace's timezone, is in [start, end) on one of `days`."""

    kind: Literal["time_of_day"]
    start: Clock
    end: Clock
    days: list[Weekday] = Field(default_factory=list, description="Empty: every day")


class WorkingHoursCondition(InputModel):
    kind: Literal["working_hours"]
    working_hours: WorkingHours
    inside: bool = Field(default=True, description="False: outside the hours")


class HandedOffCondition(InputModel):
    kind: Literal["handed_off"]
    value: bool = True


class Label(InputModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    hints: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=50, description="Words or phrases that say this label"
    )


class ClassificationCondition(InputModel):
    """The message's label, among `labels`, is `label` (see `classify` for how it is chosen)."""

    kind: Literal["classification"]
    labels: list[Label] = Field(min_length=1, max_length=30)
    label: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    threshold: Annotated[float, Field(ge=0, le=1)] = 0.45


_CONDITION_MEMBERS = (
    PipelineCondition
    | FieldCondition
    | TagCondition
    | ResponsibleCondition
    | TimeOfDayCondition
    | WorkingHoursCondition
    | HandedOffCondition
    | ClassificationCondition
)
Condition = Annotated[
    _CONDITION_MEMBERS,
    by_kind(
        {
            "pipeline_stage": PipelineCondition,
            "field": FieldCondition,
            "has_tag": TagCondition,
            "lacks_tag": TagCondition,
            "responsible_in": ResponsibleCondition,
            "time_of_day": TimeOfDayCondition,
            "working_hours": WorkingHoursCondition,
            "handed_off": HandedOffCondition,
            "classification": ClassificationCondition,
        },
        _CONDITION_MEMBERS,
    ),
    AS_MEMBER,
]


# --- actions ----------------------------------------------------------------------------------


class MoveStageAction(InputModel):
    kind: Literal["move_stage"]
    status_id: KommoId
    pipeline_id: KommoId | None = None


class NoteAction(InputModel):
    kind: Literal["add_note"]
    text: Template


class TaskAction(InputModel):
    kind: Literal["create_task"]
    text: Template
    due_in_hours: Annotated[int, Field(ge=1, le=720)] = 24


class UpdateFieldAction(InputModel):
    kind: Literal["update_field"]
    field_id: FieldKey
    value: ShortText


class TagsAction(InputModel):
    kind: Literal["add_tags", "remove_tags"]
    tags: list[TagName] = Field(min_length=1, max_length=50)


class StartSequenceAction(InputModel):
    kind: Literal["start_sequence"]
    sequence_id: uuid.UUID


class StopSequenceAction(InputModel):
    kind: Literal["stop_sequence"]
    sequence_id: uuid.UUID | None = Field(default=None, description="Null: every sequence")


class HandOffAction(InputModel):
    kind: Literal["hand_off"]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = "Automation rule"


class NotifyAction(InputModel):
    kind: Literal["notify"]
    text: Template
    channel: Annotated[str, StringConstraints(max_length=200)] = ""


class WebhookAction(InputModel):
    """POSTs the event as JSON, signed `X-Signature: sha256=<hex HMAC of the body>` with
    `secret` (stored encrypted, never shown again)."""

    kind: Literal["outgoing_webhook"]
    url: HttpUrl
    secret: SecretStr | None = None


class AgentAnswersAction(InputModel):
    kind: Literal["agent_answers"]
    instructions: ShortText = ""


class SendMessageAction(InputModel):
    """A message to the client in the lead's chat, with `{{lead.name}}`-style placeholders."""

    kind: Literal["send_message"]
    text: Template


_ACTION_MEMBERS = (
    MoveStageAction
    | NoteAction
    | TaskAction
    | UpdateFieldAction
    | TagsAction
    | StartSequenceAction
    | StopSequenceAction
    | HandOffAction
    | NotifyAction
    | WebhookAction
    | AgentAnswersAction
    | SendMessageAction
)
Action = Annotated[
    _ACTION_MEMBERS,
    by_kind(
        {
            "move_stage": MoveStageAction,
            "add_note": NoteAction,
            "create_task": TaskAction,
            "update_field": UpdateFieldAction,
            "add_tags": TagsAction,
            "remove_tags": TagsAction,
            "start_sequence": StartSequenceAction,
            "stop_sequence": StopSequenceAction,
            "hand_off": HandOffAction,
            "notify": NotifyAction,
            "outgoing_webhook": WebhookAction,
            "agent_answers": AgentAnswersAction,
            "send_message": SendMessageAction,
        },
        _ACTION_MEMBERS,
    ),
    AS_MEMBER,
]
Actions = Annotated[list[Action], Field(max_length=20)]


# --- rules ------------------------------------------------------------------------------------

Priority = Annotated[int, Field(ge=0, le=10_000, description="Lower runs first")]


class RuleCreate(InputModel):
    name: Name
    description: ShortText = ""
    enabled: bool = True
    priority: Priority = 100
    stop_processing: bool = Field(
        default=False, description="When it matches, the rules after it do not run"
    )
    trigger: Trigger
    conditions: Annotated[list[Condition], Field(max_length=30)] = Field(default_factory=list)
    actions: Actions = Field(min_length=1)


class RuleUpdate(InputModel):
    name: Name | None = None
    description: ShortText | None = None
    enabled: bool | None = None
    priority: Priority | None = None
    stop_processing: bool | None = None
    trigger: Trigger | None = None
    conditions: Annotated[list[Condition], Field(max_length=30)] | None = None
    actions: Annotated[list[Action], Field(min_length=1, max_length=20)] | None = None


class RuleRead(OutputModel):
    id: uuid.UUID
    name: str
    description: str
    enabled: bool
    priority: int
    stop_processing: bool
    trigger: dict[str, Any]
    conditions: list[dict[str, Any]]
    actions: Annotated[list[dict[str, Any]], AfterValidator(shown)]
    version: int
    created_at: datetime
    updated_at: datetime


class RevisionRead(OutputModel):
    version: int
    changed_fields: list[str]
    actor: str
    note: str
    created_at: datetime


class RevisionDetail(RevisionRead):
    snapshot: Annotated[dict[str, Any], AfterValidator(shown)]


# --- sequences --------------------------------------------------------------------------------


class DurationWait(InputModel):
    """Wait this long after the previous step (or the enrolment); with `in_working_hours`, a
    time outside the working hours moves to their next opening."""

    kind: Literal["duration"]
    days: Annotated[int, Field(ge=0, le=365)] = 0
    hours: Annotated[int, Field(ge=0, le=1000)] = 0
    minutes: Annotated[int, Field(ge=0, le=100_000)] = 0
    in_working_hours: bool = True


class UntilWait(InputModel):
    """Until the next `time` (HH:MM in the workspace's timezone) that falls in working hours."""

    kind: Literal["until"]
    time: Clock


Wait = Annotated[
    DurationWait | UntilWait,
    by_kind({"duration": DurationWait, "until": UntilWait}, DurationWait | UntilWait),
    AS_MEMBER,
]


class Step(InputModel):
    name: Annotated[str, StringConstraints(max_length=200)] = ""
    wait: Wait
    actions: Annotated[list[Action], Field(min_length=1, max_length=20)]


class ExitCondition(InputModel):
    kind: Literal["replied", "stage_changed", "tag_added"]
    tags: list[TagName] = Field(default_factory=list, max_length=50, description="tag_added: any")


class SequenceCreate(InputModel):
    name: Name
    description: ShortText = ""
    steps: Annotated[list[Step], Field(min_length=1, max_length=50)]
    exit_on: Annotated[list[ExitCondition], Field(max_length=10)] = Field(
        default_factory=lambda: [ExitCondition(kind="replied")]
    )
    working_hours: WorkingHours | None = Field(
        default=None, description="When steps may run; null: any time"
    )


class SequenceUpdate(InputModel):
    name: Name | None = None
    description: ShortText | None = None
    steps: Annotated[list[Step], Field(min_length=1, max_length=50)] | None = None
    exit_on: Annotated[list[ExitCondition], Field(max_length=10)] | None = None
    working_hours: WorkingHours | None = None


class SequenceRead(OutputModel):
    id: uuid.UUID
    name: str
    description: str
    paused: bool
    steps: Annotated[list[dict[str, Any]], AfterValidator(shown)]
    exit_on: list[dict[str, Any]]
    working_hours: dict[str, Any] | None
    version: int
    created_at: datetime
    updated_at: datetime


class EnrolmentCreate(InputModel):
    lead_id: KommoId
    lead_name: Annotated[str, StringConstraints(max_length=200)] = ""


class StepRead(OutputModel):
    id: uuid.UUID
    step_index: int
    due_at: datetime
    status: StepStatus
    attempts: int
    last_error: str | None
    results: list[dict[str, Any]]
    started_at: datetime | None
    finished_at: datetime | None


class EnrolmentRead(OutputModel):
    id: uuid.UUID
    sequence_id: uuid.UUID
    sequence_version: int
    lead_id: int
    status: EnrolmentStatus
    current_step: int
    enrolled_by: str
    exit_reason: str | None
    created_at: datetime
    finished_at: datetime | None
    next_step: StepRead | None = None


# --- events, runs, simulation -----------------------------------------------------------------


class FieldChange(InputModel):
    field_id: FieldKey
    old: ShortText | None = None
    new: ShortText | None = None


class AutomationEvent(InputModel):
    """Something that happened to a lead (the Kommo webhook intake builds these)."""

    tenant_id: uuid.UUID
    kind: TriggerKind
    lead_id: KommoId | None = None
    lead_name: Annotated[str, StringConstraints(max_length=200)] = ""
    pipeline_id: KommoId | None = None
    status_id: KommoId | None = None
    old_status_id: KommoId | None = None
    text: Annotated[str, StringConstraints(max_length=8000)] | None = None
    tags: list[TagName] = Field(default_factory=list, max_length=200, description="The lead's tags")
    added_tags: list[TagName] = Field(default_factory=list, max_length=200)
    fields: dict[FieldKey, ShortText] = Field(
        default_factory=dict, description="The lead's field values, by field id"
    )
    field_changes: list[FieldChange] = Field(default_factory=list, max_length=200)
    responsible_user_id: KommoId | None = None
    old_responsible_user_id: KommoId | None = None
    occurred_at: datetime | None = None
    source_event_id: Annotated[str, StringConstraints(max_length=200)] | None = None
    # Time triggers: the silence a no_reply_for event is about; the one rule a schedule is for.
    silent_minutes: int | None = None
    rule_id: uuid.UUID | None = None


class SimulatedEvent(InputModel):
    """An event to simulate, without the workspace (the route's)."""

    kind: TriggerKind
    lead_id: KommoId | None = None
    lead_name: Annotated[str, StringConstraints(max_length=200)] = ""
    pipeline_id: KommoId | None = None
    status_id: KommoId | None = None
    old_status_id: KommoId | None = None
    text: Annotated[str, StringConstraints(max_length=8000)] | None = None
    tags: list[TagName] = Field(default_factory=list, max_length=200)
    added_tags: list[TagName] = Field(default_factory=list, max_length=200)
    fields: dict[FieldKey, ShortText] = Field(default_factory=dict)
    field_changes: list[FieldChange] = Field(default_factory=list, max_length=200)
    responsible_user_id: KommoId | None = None
    old_responsible_user_id: KommoId | None = None
    occurred_at: datetime | None = None
    silent_minutes: int | None = None


class SimulateRequest(InputModel):
    event: SimulatedEvent


class RuleRunRead(OutputModel):
    id: uuid.UUID
    rule_id: uuid.UUID
    rule_version: int
    event_kind: str
    lead_id: int | None
    source_event_id: str | None
    event: dict[str, Any]
    outcome: RunOutcome
    conditions: list[dict[str, Any]]
    actions: Annotated[list[dict[str, Any]], AfterValidator(shown)]
    detail: str
    created_at: datetime


class TimelineStep(OutputModel):
    step_index: int
    name: str
    due_at: datetime
    actions: list[dict[str, Any]]


class SimulatedSequence(OutputModel):
    sequence_id: uuid.UUID
    name: str
    already_enrolled: bool
    timeline: list[TimelineStep]


class SimulatedRule(OutputModel):
    rule_id: uuid.UUID
    name: str
    version: int
    outcome: RunOutcome
    detail: str
    conditions: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    sequences: list[SimulatedSequence]


class SimulateResponse(OutputModel):
    rules: list[SimulatedRule]
    exits: list[dict[str, Any]] = Field(description="Enrolments this event would end")
