"""Contacts and conversations: found or created for a turn, listed, read and forgotten."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.agents.service import get_agent
from agentplatform.chat.context import Turn
from agentplatform.chat.models import (
    Channel,
    Contact,
    ContactExternalId,
    Conversation,
    ConversationStatus,
    Message,
    MessageRole,
    MessageStatus,
)
from agentplatform.chat.schemas import ContactRef
from agentplatform.core.db import utcnow
from agentplatform.core.errors import Conflict, FieldError, ValidationFailed
from agentplatform.core.pagination import PageParams, paginate
from agentplatform.core.scoped import get_scoped, scoped

HISTORY_TURNS = 40
TITLE_CHARS = 80


async def get_contact(
    session: AsyncSession, tenant_id: uuid.UUID, contact_id: uuid.UUID
) -> Contact:
    return await get_scoped(session, Contact, tenant_id, contact_id, "Contact not found")


async def _by_external_id(
    session: AsyncSession, tenant_id: uuid.UUID, system: str, external_id: str
) -> Contact | None:
    stmt = (
        scoped(select(Contact), Contact, tenant_id)
        .join(ContactExternalId, ContactExternalId.contact_id == Contact.id)
        .where(ContactExternalId.system == system, ContactExternalId.external_id == external_id)
    )
    return await session.scalar(stmt)


async def resolve_contact(session: AsyncSession, tenant_id: uuid.UUID, ref: ContactRef) -> Contact:
    """The contact `ref` names; one named only by an external id is created on first sight."""
    if ref.id is not None:
        contact = await get_contact(session, tenant_id, ref.id)
    elif ref.external_id is not None:
        found = await _by_external_id(session, tenant_id, ref.system, ref.external_id)
        contact = found or await _create_contact(session, tenant_id, ref, ref.external_id)
    else:  # the schema requires one of the two
        raise ValidationFailed("A contact needs an id or an external_id")
    for name in ("name", "email", "phone"):
        value = getattr(ref, name)
        if value is not None and value != getattr(contact, name):
            setattr(contact, name, value)
    return contact


async def _create_contact(
    session: AsyncSession, tenant_id: uuid.UUID, ref: ContactRef, external_id: str
) -> Contact:
    contact = Contact(tenant_id=tenant_id, name=ref.name or "", email=ref.email, phone=ref.phone)
    session.add(contact)
    try:
        async with session.begin_nested():
            await session.flush()
            session.add(
                ContactExternalId(
                    tenant_id=tenant_id,
                    contact_id=contact.id,
                    system=ref.system,
                    external_id=external_id,
                )
            )
            await session.flush()
    except IntegrityError:
        # Created by a concurrent turn of the same contact between our look-up and insert.
        found = await _by_external_id(session, tenant_id, ref.system, external_id)
        if found is None:
            raise
        return found
    return contact


async def external_ids(
    session: AsyncSession, tenant_id: uuid.UUID, contact_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[ContactExternalId]]:
    rows = await session.scalars(
        scoped(select(ContactExternalId), ContactExternalId, tenant_id)
        .where(ContactExternalId.contact_id.in_(contact_ids))
        .order_by(ContactExternalId.system, ContactExternalId.external_id)
    )
    found: dict[uuid.UUID, list[ContactExternalId]] = {cid: [] for cid in contact_ids}
    for row in rows:
        found[row.contact_id].append(row)
    return found


async def list_contacts(
    session: AsyncSession, tenant_id: uuid.UUID, params: PageParams, q: str | None = None
) -> tuple[list[Contact], int]:
    stmt = scoped(select(Contact), Contact, tenant_id).order_by(Contact.created_at.desc())
    if q:
        pattern = f"%{q}%"
        stmt = stmt.where(
            Contact.name.ilike(pattern)
            | Contact.email.ilike(pattern)
            | Contact.phone.ilike(pattern)
        )
    return await paginate(session, stmt, params)


async def delete_contact(
    session: AsyncSession, tenant_id: uuid.UUID, contact_id: uuid.UUID
) -> None:
    """Forgets a contact: its conversations and their messages go with it (cascades)."""
    contact = await get_contact(session, tenant_id, contact_id)
    await session.delete(contact)
    await session.flush()


async def get_conversation(
    session: AsyncSession, tenant_id: uuid.UUID, conversation_id: uuid.UUID, *, lock: bool = False
) -> Conversation:
    return await get_scoped(
        session, Conversation, tenant_id, conversation_id, "Conversation not found", for_update=lock
    )


async def conversation_for_turn(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    agent_id: uuid.UUID,
    conversation_id: uuid.UUID | None,
    contact: Contact | None,
    channel: Channel,
    first_message: str,
) -> Conversation:
    """The conversation a turn continues (locked, so two turns of it run one after the other),
    or a new one."""
    if conversation_id is None:
        conversation = Conversation(
            tenant_id=tenant_id,
            agent_id=agent_id,
            contact_id=contact.id if contact else None,
            channel=channel,
            title=" ".join(first_message.split())[:TITLE_CHARS],
        )
        session.add(conversation)
        await session.flush()
        return conversation
    conversation = await get_conversation(session, tenant_id, conversation_id, lock=True)
    if conversation.agent_id != agent_id:
        raise ValidationFailed(
            "This conversation belongs to another agent",
            errors=[
                FieldError.at("body.conversation_id", "belongs to another agent", "wrong_agent")
            ],
        )
    if contact is not None and conversation.contact_id not in (None, contact.id):
        raise ValidationFailed(
            "This conversation is with another contact",
            errors=[
                FieldError.at("body.contact", "another contact's conversation", "wrong_contact")
            ],
        )
    if conversation.status is ConversationStatus.handed_off:
        raise Conflict("This conversation was handed off to a person; the agent does not answer it")
    if conversation.paused_until is not None and conversation.paused_until > utcnow():
        raise Conflict(
            "A person is answering this conversation; the agent is quiet here until "
            f"{conversation.paused_until.isoformat(timespec='minutes')}"
        )
    if conversation.status is ConversationStatus.closed:
        conversation.status = ConversationStatus.open  # a customer writing again reopens it
    return conversation


async def history(
    session: AsyncSession, tenant_id: uuid.UUID, conversation_id: uuid.UUID
) -> list[Turn]:
    """The conversation's last complete turns, oldest first (people's answers as the agent's)."""
    rows = await session.execute(
        scoped(select(Message.id, Message.role, Message.content), Message, tenant_id)
        .where(Message.conversation_id == conversation_id, Message.status == MessageStatus.complete)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(HISTORY_TURNS)
    )
    turns = [
        Turn("user" if role is MessageRole.user else "assistant", content, message_id)
        for message_id, role, content in rows
    ]
    turns.reverse()
    return turns


def add_message(
    session: AsyncSession,
    conversation: Conversation,
    role: MessageRole,
    content: str,
    status: MessageStatus = MessageStatus.complete,
    at: datetime | None = None,
) -> Message:
    message = Message(
        tenant_id=conversation.tenant_id,
        conversation_id=conversation.id,
        role=role,
        content=content,
        status=status,
    )
    if at is not None:
        message.created_at = at
    session.add(message)
    conversation.message_count += 1
    conversation.last_message_at = at or message.created_at
    return message


async def list_conversations(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    params: PageParams,
    *,
    agent_id: uuid.UUID | None = None,
    contact_id: uuid.UUID | None = None,
    channel: Channel | None = None,
    status: ConversationStatus | None = None,
) -> tuple[list[Conversation], int]:
    stmt = scoped(select(Conversation), Conversation, tenant_id).order_by(
        Conversation.last_message_at.desc().nulls_last(), Conversation.id
    )
    if agent_id is not None:
        stmt = stmt.where(Conversation.agent_id == agent_id)
    if contact_id is not None:
        stmt = stmt.where(Conversation.contact_id == contact_id)
    if channel is not None:
        stmt = stmt.where(Conversation.channel == channel)
    if status is not None:
        stmt = stmt.where(Conversation.status == status)
    return await paginate(session, stmt, params)


async def conversation_messages(
    session: AsyncSession, tenant_id: uuid.UUID, conversation_id: uuid.UUID
) -> list[Message]:
    rows = await session.scalars(
        scoped(select(Message), Message, tenant_id)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)
    )
    return list(rows)


async def add_human_message(
    session: AsyncSession, tenant_id: uuid.UUID, conversation_id: uuid.UUID, content: str
) -> Message:
    """A person of the workspace answers; the agent stays quiet there for its pause."""
    conversation = await get_conversation(session, tenant_id, conversation_id, lock=True)
    agent = await get_agent(session, tenant_id, conversation.agent_id)
    now = utcnow()
    message = add_message(session, conversation, MessageRole.human, content, at=now)
    if agent.human_pause_minutes > 0:
        conversation.paused_until = now + timedelta(minutes=agent.human_pause_minutes)
    await session.flush()
    return message


async def resume_conversation(
    session: AsyncSession, tenant_id: uuid.UUID, conversation_id: uuid.UUID
) -> Conversation:
    """The agent answers the conversation again (after a hand-off or a person's answer)."""
    conversation = await get_conversation(session, tenant_id, conversation_id, lock=True)
    conversation.status = ConversationStatus.open
    conversation.paused_until = None
    await session.flush()
    return conversation
