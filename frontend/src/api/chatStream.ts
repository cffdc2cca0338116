/**
 * A streamed turn (`POST .../agents/{agent_id}/chat` with `stream: true`), read through the
 * generated client's Server-Sent Events support (`client.sse.post`: same base URL, cookie and
 * request interceptors as every other call). What this module adds is what the generated SDK
 * cannot know from the schema: the names of the events and the shape of each one's data, a
 * problem body when the request is refused before the stream starts, and no automatic retry (a
 * retried POST would ask the agent twice).
 */
import { client } from '../client/client.gen';
import type { ChatReply, ChatRequest, Citation, ContextInspection, Problem } from '../client';
import { ApiError, toApiError } from './problem';

/** What a tool call did, as stored on the message (`ToolRun.as_record` in chat/tools.py). */
export interface ToolCallRecord {
  id: string;
  name: string;
  arguments: Record<string, unknown> | string;
  status: string;
  result: string;
  /** A CRM action: what was (or, in a dry run, would be) asked of the CRM. */
  action?: {
    kind: string;
    arguments: Record<string, unknown>;
    /** `dry_run` (a test, or no CRM connected: nothing sent), `done`, `failed`, `not_connected`. */
    outcome: string;
    detail: string;
    request: Record<string, unknown>;
  };
}

export interface StreamStart {
  conversation_id: string;
  user_message_id: string;
  message_id: string;
}

/** The events of a streamed turn, in the order the server sends them. */
export type ChatStreamEvent =
  | { event: 'start'; data: StreamStart }
  | { event: 'context'; data: ContextInspection }
  | { event: 'token'; data: { text: string } }
  | { event: 'tool_call'; data: ToolCallRecord }
  | { event: 'citations'; data: Citation[] }
  | { event: 'message'; data: ChatReply }
  | { event: 'error'; data: Problem };

/** The keys each event's data must have to be taken for what its name says. */
const REQUIRED: Record<ChatStreamEvent['event'], readonly string[]> = {
  start: ['conversation_id', 'message_id'],
  context: ['sections', 'budget'],
  token: ['text'],
  tool_call: ['name', 'status'],
  citations: [],
  message: ['conversation_id', 'message'],
  error: ['title', 'status'],
};

function isEventName(name: string | undefined): name is ChatStreamEvent['event'] {
  return name !== undefined && Object.hasOwn(REQUIRED, name);
}

/** The data has the keys of its event's type (the server's schema vouches for the rest). */
function shaped<T>(data: unknown, keys: readonly string[]): data is T {
  return typeof data === 'object' && data !== null && keys.every((key) => key in data);
}

/**
 * One event as the generated client parsed it (name, JSON data), if it is one of ours with the
 * data it must have; anything else (a comment, a keep-alive, an unknown name) is null.
 */
export function toChatEvent(name: string | undefined, data: unknown): ChatStreamEvent | null {
  if (!isEventName(name)) return null;
  const keys = REQUIRED[name];
  switch (name) {
    case 'start':
      return shaped<StreamStart>(data, keys) ? { event: name, data } : null;
    case 'context':
      return shaped<ContextInspection>(data, keys) ? { event: name, data } : null;
    case 'token':
      return shaped<{ text: string }>(data, keys) && typeof data.text === 'string'
        ? { event: name, data }
        : null;
    case 'tool_call':
      return shaped<ToolCallRecord>(data, keys) ? { event: name, data } : null;
    case 'citations':
      return Array.isArray(data) && data.every((item) => shaped<Citation>(item, ['quote']))
        ? { event: name, data: data.filter((item) => shaped<Citation>(item, ['quote'])) }
        : null;
    case 'message':
      return shaped<ChatReply>(data, keys) ? { event: name, data } : null;
    case 'error':
      return shaped<Problem>(data, keys) ? { event: name, data } : null;
  }
}

export interface StreamChatOptions {
  tenantId: string;
  agentId: string;
  body: Omit<ChatRequest, 'stream'>;
  signal: AbortSignal;
  onEvent: (event: ChatStreamEvent) => void;
}

/** A fetch that turns a refused request (4xx/5xx before any event) into an ApiError. */
async function fetchOrProblem(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await globalThis.fetch(input, init);
  } catch (error) {
    throw toApiError(error, undefined);
  }
  if (response.ok) return response;
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the status line says it
  }
  throw toApiError(body, response);
}

/**
 * Streams one turn, calling `onEvent` for each event as it arrives. Resolves when the stream
 * ends (an `error` event is an event: the caller decides what it means); rejects with an
 * ApiError when the request itself is refused or the connection fails. Aborting `signal` stops
 * reading, which closes the connection: the server then stops the model.
 */
export async function streamChat({
  tenantId,
  agentId,
  body,
  signal,
  onEvent,
}: StreamChatOptions): Promise<void> {
  let failure: unknown = null;
  const { stream } = await client.sse.post({
    url: '/api/v1/tenants/{tenant_id}/agents/{agent_id}/chat',
    path: { tenant_id: tenantId, agent_id: agentId },
    body: { ...body, stream: true },
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    signal,
    fetch: fetchOrProblem,
    sseMaxRetryAttempts: 1,
    onSseEvent: (item) => {
      const event = toChatEvent(item.event, item.data);
      if (event) onEvent(event);
    },
    onSseError: (error) => {
      failure = error;
    },
  });
  // The events arrive through onSseEvent; the stream only has to be read to the end.
  let next = await stream.next();
  while (!next.done) next = await stream.next();
  if (failure !== null && !signal.aborted) {
    throw failure instanceof ApiError ? failure : toApiError(failure, undefined);
  }
}
