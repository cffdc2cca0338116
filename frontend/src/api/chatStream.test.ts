import { http, HttpResponse } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';

import { AGENT_ID } from '../test/agentFixtures';
import { CONVERSATION_ID, inspection, reply, sseBody } from '../test/chatFixtures';
import { TENANT_ID } from '../test/fixtures';
import { api, problemResponse, server } from '../test/server';
import { streamChat, toChatEvent, type ChatStreamEvent } from './chatStream';
import { configureApiClient } from './client';
import { ApiError } from './problem';

const CHAT = api(`/api/v1/tenants/${TENANT_ID}/agents/${AGENT_ID}/chat`);
const start = { conversation_id: CONVERSATION_ID, user_message_id: 'u', message_id: 'm' };

/** A text/event-stream response written in the pieces given (cut anywhere, as TCP may). */
function eventStream(pieces: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
  return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream' } });
}

async function collect(): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  await streamChat({
    tenantId: TENANT_ID,
    agentId: AGENT_ID,
    body: { message: 'How much is premium?', mode: 'test' },
    signal: new AbortController().signal,
    onEvent: (event) => events.push(event),
  });
  return events;
}

beforeAll(() => configureApiClient({ onUnauthorized: () => {} }));

describe('streamChat', () => {
  it('reads named events cut across chunks, and asks for a stream', async () => {
    let sent: unknown;
    const text = sseBody([
      ['start', start],
      ['context', inspection],
      ['token', { text: 'The premium ' }],
      ['token', { text: 'plan costs 49 €' }],
      ['citations', reply.message.citations],
      ['message', reply],
    ]);
    server.use(
      http.post(CHAT, async ({ request }) => {
        sent = await request.json();
        // Cut in the middle of an event's data and of a multi-byte character's neighbours.
        return eventStream([text.slice(0, 37), text.slice(37, 300), text.slice(300)]);
      }),
    );

    const events = await collect();

    expect(sent).toEqual({ message: 'How much is premium?', mode: 'test', stream: true });
    expect(events.map((e) => e.event)).toEqual([
      'start',
      'context',
      'token',
      'token',
      'citations',
      'message',
    ]);
    const tokens = events.flatMap((e) => (e.event === 'token' ? [e.data.text] : []));
    expect(tokens.join('')).toBe('The premium plan costs 49 €');
    expect(events.at(-1)).toEqual({ event: 'message', data: reply });
  });

  it('hands on an error event sent mid-stream, after the tokens before it', async () => {
    const problem = {
      type: 'https://agentplatform.dev/problems/provider-unavailable',
      title: 'The AI provider is unavailable',
      status: 503,
      detail: 'timed out',
    };
    server.use(
      http.post(CHAT, () =>
        eventStream([
          sseBody([
            ['start', start],
            ['token', { text: 'The prem' }],
            ['error', problem],
          ]),
        ]),
      ),
    );

    const events = await collect();

    expect(events.map((e) => e.event)).toEqual(['start', 'token', 'error']);
    expect(events[2]).toEqual({ event: 'error', data: problem });
  });

  it('rejects with the problem when the turn is refused before the stream starts', async () => {
    server.use(
      http.post(CHAT, () =>
        problemResponse({
          type: 'https://agentplatform.dev/problems/conflict',
          title: 'Conflict',
          status: 409,
          detail: 'The agent is paused',
        }),
      ),
    );

    const failure = await collect().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 409, message: 'The agent is paused' });
  });

  it('stops quietly when the caller aborts', async () => {
    server.use(
      http.post(CHAT, () => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(sseBody([['start', start]])));
            // never closes: the model is still writing
          },
        });
        return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream' } });
      }),
    );
    const controller = new AbortController();
    const events: ChatStreamEvent[] = [];
    const done = streamChat({
      tenantId: TENANT_ID,
      agentId: AGENT_ID,
      body: { message: 'Hi' },
      signal: controller.signal,
      onEvent: (event) => {
        events.push(event);
        controller.abort();
      },
    });
    await expect(done).resolves.toBeUndefined();
    expect(events.map((e) => e.event)).toEqual(['start']);
  });
});

describe('toChatEvent', () => {
  it('keeps only known events with the data they need', () => {
    expect(toChatEvent('token', { text: 'a' })).toEqual({ event: 'token', data: { text: 'a' } });
    expect(toChatEvent('token', { nope: 1 })).toBeNull();
    expect(toChatEvent('ping', {})).toBeNull();
    expect(toChatEvent(undefined, { text: 'a' })).toBeNull();
    expect(toChatEvent('citations', {})).toBeNull();
    expect(toChatEvent('error', 'boom')).toBeNull();
  });
});
