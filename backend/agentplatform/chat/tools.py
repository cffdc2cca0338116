"""The tools an agent may call while it answers, their arguments checked before anything runs.

A model is offered only the tools its agent has switched on (`AgentProfile.tools`); a call to any
other tool, whatever a message or a document asked for, is answered "not available" and never
runs. Arguments are validated by a pydantic model per tool; invalid ones are answered with the
reason, so the model may correct itself within the step limit.

Each call runs in a short unit of work of its own (the answer is written outside any
transaction). `handoff` ends the turn: the conversation is marked for a person with the reason
and a summary, the agent stops answering it, and `chat.handed_off` is emitted for notifications.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from arq import ArqRedis
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.ai.llm import ToolDefinition
from agentplatform.ai.llm_results import ToolCall
from agentplatform.chat import crm
from agentplatform.chat.context import Passage
from agentplatform.chat.conversations_service import get_conversation
from agentplatform.chat.memory.service import recall
from agentplatform.chat.models import ConversationStatus
from agentplatform.core import events
from agentplatform.core.db import unit_of_work, utcnow
from agentplatform.core.settings import Settings
from agentplatform.knowledge.context import knowledge_context

HANDED_OFF = "chat.handed_off"
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]


class _Arguments(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SearchArguments(_Arguments):
    query: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class HandoffArguments(_Arguments):
    reason: Text
    summary: Text


class MoveStageArguments(_Arguments):
    stage: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The stage's name or id"
    )


class NoteArguments(_Arguments):
    text: Text


class TaskArguments(_Arguments):
    text: Text
    due_in_hours: int = Field(default=24, ge=1, le=720)
    due_at: datetime | None = Field(
        default=None, description="When it is due (ISO 8601 with offset); instead of hours"
    )


Tag = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]


class TagsArguments(_Arguments):
    tags: list[Tag] = Field(min_length=1, max_length=10)


class FieldArguments(_Arguments):
    field: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    value: Annotated[str, StringConstraints(max_length=2000)]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    arguments: type[_Arguments]

    def definition(self) -> ToolDefinition:
        schema = self.arguments.model_json_schema()
        schema.pop("title", None)
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": schema},
        }


SPECS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec(
            "knowledge_search",
            "Search the company's knowledge base; cite what you use by its [n].",
            SearchArguments,
        ),
        ToolSpec(
            "memory_lookup",
            "Look up what is remembered about this customer from earlier conversations.",
            SearchArguments,
        ),
        ToolSpec(
            "handoff",
            "Pass the conversation to a person when the customer asks for one, or when you "
            "cannot help. Give the reason and a short summary for the colleague.",
            HandoffArguments,
        ),
        ToolSpec(
            "move_stage", "Move the customer's lead to another pipeline stage.", MoveStageArguments
        ),
        ToolSpec("add_note", "Add a note to the customer's lead in the CRM.", NoteArguments),
        ToolSpec("create_task", "Create a follow-up task for a salesperson.", TaskArguments),
        ToolSpec("update_field", "Set a field of the customer's lead in the CRM.", FieldArguments),
        ToolSpec("add_tags", "Add tags to the customer's lead in the CRM.", TagsArguments),
    )
}
CRM_TOOLS = frozenset({"move_stage", "add_note", "create_task", "update_field", "add_tags"})


def offered(tools: tuple[str, ...], *, has_contact: bool) -> list[ToolDefinition]:
    names = [t for t in tools if t in SPECS and (t != "memory_lookup" or has_contact)]
    return [SPECS[name].definition() for name in names]


@dataclass
class ToolRun:
    """What one call did, for the stored message and the stream."""

    id: str
    name: str
    arguments: dict[str, Any] | str
    status: str  # "ok", "refused", "invalid", "failed"
    result: str
    action: dict[str, Any] | None = None

    def as_record(self) -> dict[str, Any]:
        record = {
            "id": self.id,
            "name": self.name,
            "arguments": self.arguments,
            "status": self.status,
            "result": self.result,
        }
        if self.action is not None:
            record["action"] = self.action
        return record


@dataclass
class ToolRunner:
    maker: async_sessionmaker[AsyncSession] | None  # None: it may run nothing (a preview)
    arq: ArqRedis | None
    settings: Settings
    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    contact_id: uuid.UUID | None
    lead_id: str | None
    allowed: frozenset[str]
    knowledge_scope: dict[str, Any]
    test: bool
    passages: list[Passage]  # the turn's numbered passages; searches add to them
    message_id: uuid.UUID | None = None  # the answer being written: actions' idempotency keys
    runs: list[ToolRun] = field(default_factory=list)
    handed_off: bool = False

    async def run(self, call: ToolCall) -> ToolRun:
        spec = SPECS.get(call.name)
        if spec is None or call.name not in self.allowed or self.maker is None:
            done = ToolRun(
                call.id, call.name, call.arguments, "refused", "This tool is not available."
            )
        else:
            try:
                arguments = spec.arguments.model_validate(call.parse_arguments())
            except (ValueError, ValidationError) as exc:
                done = ToolRun(
                    call.id, call.name, call.arguments, "invalid", f"Invalid arguments: {exc}"
                )
            else:
                done = await self._dispatch(call, arguments)
        self.runs.append(done)
        return done

    async def _dispatch(self, call: ToolCall, arguments: _Arguments) -> ToolRun:
        values = arguments.model_dump(mode="json", exclude_none=True)
        assert self.maker is not None, "a runner without sessions is allowed no tool"
        async with unit_of_work(self.maker, self.arq) as session:
            if isinstance(arguments, HandoffArguments):
                result = await self._handoff(session, arguments)
                return ToolRun(call.id, call.name, values, "ok", result)
            if call.name == "knowledge_search":
                result = await self._search(session, values["query"])
                return ToolRun(call.id, call.name, values, "ok", result)
            if call.name == "memory_lookup":
                result = await self._memories(session, values["query"])
                return ToolRun(call.id, call.name, values, "ok", result)
            key = f"{self.message_id}:{call.id}" if self.message_id and call.id else None
            action = crm.CrmAction(call.name, values, self.lead_id, key)  # type: ignore[arg-type]
            env = crm.CrmEnv(self.settings, self.arq, self.maker)
            outcome = await crm.run_action(session, self.tenant_id, action, test=self.test, env=env)
            status = "failed" if outcome.outcome == "failed" else "ok"
            return ToolRun(call.id, call.name, values, status, outcome.detail, outcome.as_record())

    async def _search(self, session: AsyncSession, query: str) -> str:
        found = await knowledge_context(
            session,
            self.settings,
            self.tenant_id,
            query=query,
            knowledge_scope=self.knowledge_scope,
        )
        lines = []
        for passage in found.passages:
            known = next(
                (i for i, p in enumerate(self.passages) if p.chunk_id == passage.chunk_id), None
            )
            if known is None:
                self.passages.append(
                    Passage(
                        passage.chunk_id,
                        passage.document_id,
                        passage.document_title,
                        passage.text,
                        passage.score,
                    )
                )
                known = len(self.passages) - 1
            lines.append(f"[{known + 1}] {passage.document_title}\n{passage.text}")
        lines += [f"- {fact.text}" for fact in found.facts]
        return "\n\n".join(lines) or "Nothing in the knowledge base matches."

    async def _memories(self, session: AsyncSession, query: str) -> str:
        if self.contact_id is None:
            return "This customer is not known yet."
        recalled = await recall(session, self.settings, self.tenant_id, self.contact_id, query)
        return "\n".join(f"- {r.memory.text}" for r in recalled) or "Nothing is remembered yet."

    async def _handoff(self, session: AsyncSession, arguments: HandoffArguments) -> str:
        await handoff(
            session, self.tenant_id, self.conversation_id, arguments.reason, arguments.summary
        )
        self.handed_off = True
        return "The conversation is now with a person."


async def handoff(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    conversation_id: uuid.UUID,
    reason: str,
    summary: str,
) -> None:
    conversation = await get_conversation(session, tenant_id, conversation_id, lock=True)
    conversation.status = ConversationStatus.handed_off
    conversation.handoff_reason = reason
    conversation.handoff_summary = summary
    conversation.handed_off_at = utcnow()
    events.emit(
        session,
        HANDED_OFF,
        tenant_id=str(tenant_id),
        conversation_id=str(conversation_id),
        reason=reason,
    )
    await session.flush()


def tool_message(run: ToolRun) -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": run.id, "content": run.result}


def assistant_with_calls(text: str, calls: list[ToolCall]) -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": text or None,
        "tool_calls": [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in calls
        ],
    }
