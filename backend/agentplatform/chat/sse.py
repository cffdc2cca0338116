"""Server-Sent Events for a streamed turn: named events with JSON data, stopped at once when the
client goes away."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing

import anyio
from fastapi.sse import EventSourceResponse, format_sse_event
from pydantic_core import to_json
from starlette.types import Receive, Scope, Send

from agentplatform.chat.turns import StreamEvent


class EventStream(EventSourceResponse):
    """Listens for the client's disconnect while streaming, whatever ASGI version the server
    speaks (with 2.4 Starlette would only notice at the next write, after the next token), and
    then cancels the producer, which closes the model's stream."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async with anyio.create_task_group() as group:

            async def produce() -> None:
                try:
                    await self.stream_response(send)
                except OSError:
                    pass  # the client went away mid-write
                finally:
                    group.cancel_scope.cancel()

            group.start_soon(produce)
            await self.listen_for_disconnect(receive)
            group.cancel_scope.cancel()


async def encoded(events: AsyncGenerator[StreamEvent]) -> AsyncIterator[bytes]:
    async with aclosing(events) as stream:
        async for item in stream:
            yield format_sse_event(event=item.event, data_str=to_json(item.data).decode())


SSE_RESPONSE = {
    "description": "With `stream: true`: Server-Sent Events `start`, `context` (test mode), "
    "`token` ({text}), `citations`, `message` (a ChatReply), or `error` (a problem)",
    "content": {"text/event-stream": {"schema": {"type": "string"}}},
}
