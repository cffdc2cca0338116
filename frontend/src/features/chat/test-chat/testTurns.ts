import type { ChatStreamEvent } from '../../../api/chatStream';
import type {
  Citation,
  ContactRef,
  ContextInspection,
  MessageRead,
  Problem,
} from '../../../client';
import { toolCallsOf, type ToolCallRecord } from '../toolCalls';

export interface UserTurn {
  key: string;
  role: 'user';
  text: string;
}

/** An answer being streamed, or as it ended: finished, failed, or stopped by the tester. */
export interface AgentTurn {
  key: string;
  role: 'assistant';
  text: string;
  state: 'streaming' | 'done' | 'failed' | 'stopped';
  message: MessageRead | null;
  context: ContextInspection | null;
  toolCalls: ToolCallRecord[];
  citations: Citation[];
  problem: Problem | null;
}

export type TestTurn = UserTurn | AgentTurn;

export function pendingTurn(key: string): AgentTurn {
  return {
    key,
    role: 'assistant',
    text: '',
    state: 'streaming',
    message: null,
    context: null,
    toolCalls: [],
    citations: [],
    problem: null,
  };
}

/** The answer after one more event of its stream. */
export function applyEvent(turn: AgentTurn, event: ChatStreamEvent): AgentTurn {
  switch (event.event) {
    case 'start':
      return turn;
    case 'context':
      return { ...turn, context: event.data };
    case 'token':
      return { ...turn, text: turn.text + event.data.text };
    case 'tool_call':
      return { ...turn, toolCalls: [...turn.toolCalls, event.data] };
    case 'citations':
      return { ...turn, citations: event.data };
    case 'message': {
      const message = event.data.message;
      return {
        ...turn,
        state: 'done',
        text: message.content,
        message,
        context: event.data.context ?? turn.context,
        toolCalls: toolCallsOf(message.tool_calls),
        citations: message.citations,
      };
    }
    case 'error':
      return { ...turn, state: 'failed', problem: event.data };
  }
}

/** The stream is over: an answer still streaming was stopped, or cut off without a reason. */
export function endTurn(turn: AgentTurn, stopped: boolean, problem: Problem | null): AgentTurn {
  if (turn.state !== 'streaming') return turn;
  if (stopped) return { ...turn, state: 'stopped' };
  return {
    ...turn,
    state: 'failed',
    problem: problem ?? {
      type: 'about:blank',
      title: 'The answer was cut off',
      status: 0,
      detail: 'The connection ended before the answer was finished.',
    },
  };
}

export interface ContactDraft {
  name: string;
  externalId: string;
}

/** The contact a test turn is written as: none without an external id (memory needs one). */
export function contactRef(draft: ContactDraft): ContactRef | null {
  const externalId = draft.externalId.trim();
  if (!externalId) return null;
  const name = draft.name.trim();
  return { external_id: externalId, system: 'api', ...(name ? { name } : {}) };
}
