"""The simulator's Chats API (amojo), under `/v2/origin/custom/...` on the same port.

Every request is checked as amojo checks it: `Date` within 15 minutes, `Content-Type:
application/json`, `Content-MD5` of the exact body and `X-Signature` (HMAC-SHA1 with the
channel secret over `METHOD\\nMD5\\nContent-Type\\nDate\\npath`); anything off is 403
`ORIGIN_INVALID_SIGNATURE`. An unknown channel or scope is 404 `ORIGIN_NOT_REGISTERED`.

- `POST {channel_id}/connect` `{account_id: <amojo_id>, title, hook_api_version}` → `scope_id`
  `"{channel_id}_{amojo_id}"`; `DELETE {channel_id}/disconnect`.
- `POST {scope_id}/chats`: a chat per `conversation_id` (idempotent).
- `POST {scope_id}` `new_message`: deduplicated by `msgid`; an outgoing message (one with a
  `receiver`) needs `sender.ref_id`.
`ChatsApi.reply` sends a manager's reply to the channel's `webhook_url` as JSON with
`X-Signature` = HMAC-SHA1(secret, body), once (5 s timeout, never retried).
"""

from __future__ import annotations

import hmac
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agentplatform.kommo.client.amojo import (
    CONTENT_TYPE,
    content_md5,
    request_signature,
    webhook_signature,
)
from agentplatform.kommo.simulator.hal import json_response
from agentplatform.kommo.simulator.state import AccountState, Obj

SIGNATURE_WINDOW = 15 * 60
PREFIX = "/v2/origin/custom"


@dataclass
class Channel:
    channel_id: str
    secret: str
    webhook_url: str | None = None
    bot_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    scopes: set[str] = field(default_factory=set)
    chats: dict[str, Obj] = field(default_factory=dict)  # conversation_id -> chat
    messages: dict[str, Obj] = field(default_factory=dict)  # msgid -> payload


class ChatsApi:
    def __init__(self, state: AccountState) -> None:
        self.state = state
        self.channels: dict[str, Channel] = {}

    def register(self, channel_id: str, secret: str, webhook_url: str | None) -> Channel:
        channel = Channel(channel_id, secret, webhook_url)
        self.channels[channel_id] = channel
        return channel

    def routes(self) -> list[Route]:
        return [
            Route(PREFIX + "/{channel_id}/connect", self.connect, methods=["POST"]),
            Route(PREFIX + "/{channel_id}/disconnect", self.disconnect, methods=["DELETE"]),
            Route(PREFIX + "/{scope_id}/chats", self.create_chat, methods=["POST"]),
            Route(PREFIX + "/{scope_id}", self.new_message, methods=["POST"]),
        ]

    # --- checks --------------------------------------------------------------------------

    async def _checked(self, request: Request, channel: Channel | None) -> Obj | Response:
        if channel is None:
            return _error(404, "ORIGIN_NOT_REGISTERED", "Channel or scope is not registered")
        body = await request.body()
        headers = request.headers
        date = headers.get("date", "")
        try:
            sent = parsedate_to_datetime(date)
            fresh = abs((datetime.now(UTC) - sent).total_seconds()) <= SIGNATURE_WINDOW
        except (TypeError, ValueError):
            fresh = False
        md5 = headers.get("content-md5", "")
        content_type = headers.get("content-type", "")
        expected = request_signature(
            channel.secret,
            method=request.method,
            md5=md5,
            content_type=content_type,
            date=date,
            path=request.url.path,
        )
        if not (
            fresh
            and content_type == CONTENT_TYPE
            and hmac.compare_digest(md5, content_md5(body))
            and hmac.compare_digest(headers.get("x-signature", "").lower(), expected)
        ):
            return _error(403, "ORIGIN_INVALID_SIGNATURE", "Invalid signature")
        try:
            parsed = orjson.loads(body) if body else {}
        except orjson.JSONDecodeError:
            return _error(400, "INVALID_REQUEST", "Body is not JSON")
        return (
            parsed if isinstance(parsed, dict) else _error(400, "INVALID_REQUEST", "Not an object")
        )

    def _by_scope(self, scope_id: str) -> Channel | None:
        return next((c for c in self.channels.values() if scope_id in c.scopes), None)

    # --- endpoints -----------------------------------------------------------------------

    async def connect(self, request: Request) -> Response:
        channel = self.channels.get(request.path_params["channel_id"])
        body = await self._checked(request, channel)
        if isinstance(body, Response):
            return body
        assert channel is not None
        if body.get("account_id") != self.state.amojo_id:
            return _error(400, "INVALID_ACCOUNT", "Unknown account_id")
        scope_id = f"{channel.channel_id}_{self.state.amojo_id}"
        channel.scopes.add(scope_id)
        return json_response(
            {
                "account_id": self.state.amojo_id,
                "scope_id": scope_id,
                "title": body.get("title", ""),
                "hook_api_version": body.get("hook_api_version", "v2"),
            },
            media_type="application/json",
        )

    async def disconnect(self, request: Request) -> Response:
        channel = self.channels.get(request.path_params["channel_id"])
        body = await self._checked(request, channel)
        if isinstance(body, Response):
            return body
        assert channel is not None
        channel.scopes.discard(f"{channel.channel_id}_{self.state.amojo_id}")
        return Response(status_code=200)

    async def create_chat(self, request: Request) -> Response:
        channel = self._by_scope(request.path_params["scope_id"])
        body = await self._checked(request, channel)
        if isinstance(body, Response):
            return body
        assert channel is not None
        conversation = str(body.get("conversation_id") or "")
        if not conversation:
            return _error(400, "INVALID_REQUEST", "conversation_id is required")
        chat = channel.chats.setdefault(
            conversation,
            {
                "id": str(uuid.uuid4()),
                "user": {"id": str(uuid.uuid4()), "client_id": (body.get("user") or {}).get("id")},
            },
        )
        return json_response(chat, media_type="application/json")

    async def new_message(self, request: Request) -> Response:
        channel = self._by_scope(request.path_params["scope_id"])
        body = await self._checked(request, channel)
        if isinstance(body, Response):
            return body
        assert channel is not None
        payload = body.get("payload")
        if body.get("event_type") != "new_message" or not isinstance(payload, dict):
            return _error(400, "INVALID_REQUEST", "event_type new_message with a payload")
        msgid = str(payload.get("msgid") or "")
        sender = payload.get("sender") or {}
        if not msgid or not isinstance(sender, dict) or not sender.get("id"):
            return _error(400, "INVALID_REQUEST", "msgid and sender.id are required")
        if payload.get("receiver") and not sender.get("ref_id"):
            return _error(400, "INVALID_REQUEST", "an outgoing message needs sender.ref_id")
        conversation = str(payload.get("conversation_id") or "")
        chat = channel.chats.setdefault(conversation, {"id": str(uuid.uuid4()), "user": {}})
        channel.messages.setdefault(msgid, payload)  # a repeated msgid is the same message
        return json_response(
            {
                "new_message": {
                    "conversation_id": chat["id"],
                    "sender_id": sender.get("id"),
                    "receiver_id": (payload.get("receiver") or {}).get("id", ""),
                    "msgid": msgid,
                    "ref_id": sender.get("ref_id", ""),
                }
            },
            media_type="application/json",
        )

    async def reply(self, channel_id: str, conversation_id: str, text: str) -> int | None:
        """A manager answers in Kommo: the v2 webhook to the channel, sent once."""
        channel = self.channels[channel_id]
        if channel.webhook_url is None:
            raise ValueError("the channel has no webhook_url")
        chat = channel.chats.get(conversation_id) or {"id": str(uuid.uuid4())}
        admin = self.state.users[self.state.admin_id]
        now = int(time.time())
        body = orjson.dumps(
            {
                "account_id": self.state.amojo_id,
                "time": now,
                "message": {
                    "receiver": {"id": conversation_id, "name": "Client"},
                    "sender": {"id": admin["amojo_id"], "name": admin["name"]},
                    "conversation": {"id": chat["id"], "client_id": conversation_id},
                    "timestamp": now,
                    "msec_timestamp": now * 1000,
                    "message": {
                        "id": str(uuid.uuid4()),
                        "type": "text",
                        "text": text,
                        "markup": None,
                        "tag": "",
                        "media": "",
                        "thumbnail": "",
                        "file_name": "",
                        "file_size": 0,
                    },
                },
            }
        )
        headers = {
            "Content-Type": CONTENT_TYPE,
            "X-Signature": webhook_signature(channel.secret, body),
        }
        try:
            async with httpx.AsyncClient(timeout=5.0) as http:
                response = await http.post(channel.webhook_url, content=body, headers=headers)
        except httpx.HTTPError:
            return None
        return response.status_code


def _error(status: int, error_type: str, description: str) -> Response:
    return json_response(
        {
            "status": 0,
            "error_code": status,
            "error_type": error_type,
            "error_description": description,
        },
        status,
        "application/json",
    )
