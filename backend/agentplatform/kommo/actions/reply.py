"""The agent's answer sent to the client in Kommo, once per key.

Through the Chats API when the integration owns a channel (settings `kommo_chats_channel_id`,
`..._secret`, `..._bot_id`) and the conversation is one of its chats (`chat_id`: the channel's
conversation id; `receiver_id`: the client's id there, default `chat_id`; `kommo_chat_id`:
Kommo's chat id, when known): the message is posted as the channel's bot (`sender.ref_id` = the
bot id, `msgid` = the key, which amojo deduplicates). A chat of another channel (WhatsApp of
another integration) cannot be written to this way: give no `chat_id` for it.
The channel is connected to the account on first use (`scope_id` = `{channel_id}_{amojo_id}`).

Otherwise through a salesbot (API.md §5.2): the text is written into the lead field
`connection.reply_field_id`, then the bot `connection.reply_salesbot_id` (a single `show` step of
that field) is run on the lead, and Kommo sends it through the lead's chat. Neither configured:
`ReplyNotConfigured`. Kommo's errors are raised as the client's `KommoError`s.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Literal

import httpx
import orjson
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agentplatform.core.errors import ProblemError
from agentplatform.core.settings import Settings
from agentplatform.kommo.actions import ledger
from agentplatform.kommo.actions.gateway import kommo_client
from agentplatform.kommo.actions.models import ActionOutcome
from agentplatform.kommo.client import (
    KommoBadRequest,
    KommoError,
    KommoForbidden,
    KommoNotFound,
    KommoUnavailable,
)
from agentplatform.kommo.client.amojo import signed_headers
from agentplatform.kommo.connection.models import KommoConnection
from agentplatform.kommo.connection.service import get_connection

BOT_NAME = "AI Agent"
LEAD_ENTITY_TYPE = 2


class ReplyNotConfigured(ProblemError):
    status = 409
    code = "kommo-reply-not-configured"
    title = "No way to reply in Kommo is configured"


@dataclass(frozen=True)
class SentReply:
    via: Literal["chats_api", "salesbot"]
    text: str
    message_id: str | None  # the Chats API message's id; a salesbot gives none (it is async)
    request: dict[str, Any]  # what was sent
    already_sent: bool = False


@dataclass(frozen=True)
class _Channel:
    channel_id: str
    secret: str
    bot_id: str
    base_url: str


def _channel(settings: Settings) -> _Channel | None:
    secret = settings.kommo_chats_channel_secret
    if not (settings.kommo_chats_channel_id and secret and settings.kommo_chats_bot_id):
        return None
    return _Channel(
        settings.kommo_chats_channel_id,
        secret.get_secret_value(),
        settings.kommo_chats_bot_id,
        settings.kommo_chats_base_url.rstrip("/"),
    )


async def send_reply(
    session: AsyncSession,
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    redis: Redis | None,
    connection: KommoConnection,
    *,
    lead_id: int | None,
    text: str,
    key: str,
    chat_id: str | None = None,
    receiver_id: str | None = None,
    kommo_chat_id: str | None = None,
) -> SentReply:
    channel = _channel(settings)
    chat = (
        (channel, connection.amojo_id, chat_id)
        if channel is not None and chat_id is not None and connection.amojo_id is not None
        else None
    )
    use_bot = connection.reply_salesbot_id is not None and connection.reply_field_id is not None
    if chat is None and not (use_bot and lead_id is not None):
        raise ReplyNotConfigured(
            "Replies need the integration's Chats API channel (for its own chats) or a reply "
            "salesbot and field on the Kommo connection (with a lead)"
        )
    before = await ledger.done_before(session, connection.tenant_id, key)
    if before is not None:
        return _sent(before.request, before.response, text, already=True)
    if chat is not None:
        request = _chat_message(chat[0], chat[1], chat[2], receiver_id, text, key)
        if kommo_chat_id:
            request["json"]["payload"]["conversation_ref_id"] = kommo_chat_id
    else:
        request = _salesbot_steps(connection, lead_id or 0, text)
    row, done = await ledger.claim(
        session, connection.tenant_id, key=key, kind="reply", lead_id=lead_id, request=request
    )
    if done:
        return _sent(row.request, row.response, text, already=True)
    try:
        if chat is not None:
            answer = await _post_message(chat[0], chat[1], request)
        else:
            answer = await _run_salesbot(connection, settings, redis, maker, request)
    except KommoError as exc:
        detail = ledger.kommo_failure(exc)
        await ledger.finish(session, row, ActionOutcome.failed, detail, exc.detail)
        raise
    await ledger.finish(session, row, ActionOutcome.done, "The reply was sent", answer)
    return _sent(request, answer, text)


def _sent(request: dict[str, Any], answer: Any, text: str, *, already: bool = False) -> SentReply:
    if request.get("via") == "chats_api":
        message = answer.get("new_message") if isinstance(answer, dict) else None
        message_id = (message or {}).get("msgid") or request["json"]["payload"]["msgid"]
        return SentReply("chats_api", text, str(message_id), request, already)
    return SentReply("salesbot", text, None, request, already)


async def configure_salesbot_reply(
    session: AsyncSession, tenant_id: uuid.UUID, *, bot_id: int | None, field_id: int | None
) -> KommoConnection:
    """The salesbot (and the lead field it shows) replies go through; None turns it off."""
    connection = await get_connection(session, tenant_id)
    connection.reply_salesbot_id, connection.reply_field_id = bot_id, field_id
    await session.flush()
    return connection


# --- the Chats API ---------------------------------------------------------------------------


def _chat_message(
    channel: _Channel,
    amojo_id: str,
    chat_id: str,
    receiver_id: str | None,
    text: str,
    key: str,
) -> dict[str, Any]:
    now = time.time()
    payload = {
        "timestamp": int(now),
        "msec_timestamp": int(now * 1000),
        "msgid": key,
        "conversation_id": chat_id,
        "sender": {"id": f"bot-{channel.bot_id}", "ref_id": channel.bot_id, "name": BOT_NAME},
        "receiver": {"id": receiver_id or chat_id},
        "message": {"type": "text", "text": text},
        "silent": False,
    }
    path = f"/v2/origin/custom/{channel.channel_id}_{amojo_id}"
    return {
        "via": "chats_api",
        "method": "POST",
        "path": path,
        "json": {"event_type": "new_message", "payload": payload},
    }


async def _amojo(channel: _Channel, path: str, body: Any) -> httpx.Response:
    raw = orjson.dumps(body)
    headers = signed_headers(channel.secret, "POST", path, raw)
    try:
        async with httpx.AsyncClient(timeout=15.0) as http:
            return await http.post(channel.base_url + path, content=raw, headers=headers)
    except httpx.HTTPError as exc:
        raise KommoUnavailable(
            f"Kommo's Chats API could not be reached ({type(exc).__name__})"
        ) from exc


def _amojo_error(response: httpx.Response) -> KommoError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    said = body.get("error_description") or body.get("error_type") or response.reason_phrase
    kind: type[KommoError] = KommoBadRequest
    if response.status_code == 403:
        kind = KommoForbidden
    elif response.status_code == 404:
        kind = KommoNotFound
    elif response.status_code >= 500:
        kind = KommoUnavailable
    return kind(f"Chats API: {said}", kommo_status=response.status_code)


async def _post_message(channel: _Channel, amojo_id: str, request: dict[str, Any]) -> Any:
    response = await _amojo(channel, request["path"], request["json"])
    if response.status_code == 404:  # the channel is not connected to this account (yet)
        connect = await _amojo(
            channel,
            f"/v2/origin/custom/{channel.channel_id}/connect",
            {"account_id": amojo_id, "title": BOT_NAME, "hook_api_version": "v2"},
        )
        if connect.status_code != 200:
            raise _amojo_error(connect)
        response = await _amojo(channel, request["path"], request["json"])
    if response.status_code != 200:
        raise _amojo_error(response)
    return response.json()


# --- the salesbot ------------------------------------------------------------------------------


def _salesbot_steps(connection: KommoConnection, lead_id: int, text: str) -> dict[str, Any]:
    field = {"field_id": connection.reply_field_id, "values": [{"value": text}]}
    run = {
        "bot_id": connection.reply_salesbot_id,
        "entity_id": lead_id,
        "entity_type": LEAD_ENTITY_TYPE,
    }
    return {
        "via": "salesbot",
        "steps": [
            {
                "method": "PATCH",
                "path": f"/api/v4/leads/{lead_id}",
                "json": {"custom_fields_values": [field]},
            },
            {"method": "POST", "path": "/api/v2/salesbot/run", "json": [run]},
        ],
    }


async def _run_salesbot(
    connection: KommoConnection,
    settings: Settings,
    redis: Redis | None,
    maker: async_sessionmaker[AsyncSession],
    request: dict[str, Any],
) -> Any:
    answers = []
    async with kommo_client(connection, settings, redis, maker) as (client, _):
        for step in request["steps"]:
            answers.append(await client.request(step["method"], step["path"], json=step["json"]))
    return {"steps": answers}
