"""The simulator's Chats API: signed requests (HMAC-SHA1 `X-Signature`) checked as amojo does,
and signed replies to the channel's webhook."""

from __future__ import annotations

import asyncio

import httpx
import orjson
from agentplatform.kommo.client.amojo import signed_headers, verify_webhook
from agentplatform.kommo.simulator import KommoSimulator

from tests.kommo.support import Receiver


async def _post(kommo: KommoSimulator, secret: str, path: str, payload: object) -> httpx.Response:
    body = orjson.dumps(payload)
    async with httpx.AsyncClient() as http:
        return await http.post(
            kommo.base_url + path, content=body, headers=signed_headers(secret, "POST", path, body)
        )


async def test_connect_send_and_receive_a_signed_reply(
    kommo: KommoSimulator, receiver: Receiver
) -> None:
    channel = kommo.register_chat_channel(webhook_url=f"{receiver.url}/chats")
    connect = f"/v2/origin/custom/{channel.channel_id}/connect"

    response = await _post(kommo, channel.secret, connect,
                           {"account_id": kommo.state.amojo_id, "title": "AI Agent",
                            "hook_api_version": "v2"})  # fmt: skip
    assert response.status_code == 200
    scope_id = response.json()["scope_id"]
    assert scope_id == f"{channel.channel_id}_{kommo.state.amojo_id}"

    message = {"event_type": "new_message", "payload": {
        "timestamp": 1767268800, "msgid": "agent-1", "conversation_id": "conv-42",
        "sender": {"id": "client-42", "name": "Jane"},
        "message": {"type": "text", "text": "Hello"}}}  # fmt: skip
    sent = await _post(kommo, channel.secret, f"/v2/origin/custom/{scope_id}", message)
    assert sent.status_code == 200
    assert sent.json()["new_message"]["msgid"] == "agent-1"
    await _post(kommo, channel.secret, f"/v2/origin/custom/{scope_id}", message)
    assert list(channel.messages) == ["agent-1"]  # the same msgid is one message

    outgoing = {"event_type": "new_message", "payload": {
        "msgid": "agent-2", "conversation_id": "conv-42", "sender": {"id": "bot"},
        "receiver": {"id": "client-42"}, "message": {"type": "text", "text": "Hi"}}}  # fmt: skip
    refused = await _post(kommo, channel.secret, f"/v2/origin/custom/{scope_id}", outgoing)
    assert refused.status_code == 400  # an outgoing message needs sender.ref_id

    status = await asyncio.wrap_future(kommo.chat_reply(channel.channel_id, "conv-42", "Sure!"))
    assert status == 200
    reply = receiver.received[0]
    assert verify_webhook(channel.secret, reply.body, reply.headers["x-signature"])
    assert not verify_webhook("another secret", reply.body, reply.headers["x-signature"])
    assert orjson.loads(reply.body)["message"]["message"]["text"] == "Sure!"


async def test_a_wrong_signature_or_scope_is_refused(kommo: KommoSimulator) -> None:
    channel = kommo.register_chat_channel()
    connect = f"/v2/origin/custom/{channel.channel_id}/connect"
    body = {"account_id": kommo.state.amojo_id, "title": "AI Agent"}

    forged = await _post(kommo, "not the channel secret", connect, body)
    assert forged.status_code == 403
    assert forged.json()["error_type"] == "ORIGIN_INVALID_SIGNATURE"

    raw = orjson.dumps(body)
    headers = signed_headers(channel.secret, "POST", connect, raw)
    async with httpx.AsyncClient() as http:
        tampered = await http.post(kommo.base_url + connect, content=raw + b" ", headers=headers)
    assert tampered.status_code == 403

    unknown = await _post(kommo, channel.secret, "/v2/origin/custom/nope_scope", {})
    assert unknown.status_code == 404
    assert unknown.json()["error_type"] == "ORIGIN_NOT_REGISTERED"
