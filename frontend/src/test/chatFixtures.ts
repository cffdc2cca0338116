/** Chat turns, conversations, contacts and memories as the API returns them (typed). */
import type {
  ChatReply,
  ContactRead,
  ContextInspection,
  ConversationDetail,
  ConversationRead,
  MemoryRead,
  MessageRead,
  PageConversationRead,
} from '../client';
import { AGENT_ID } from './agentFixtures';
import { DOCUMENT_ID } from './knowledgeFixtures';

export const CONVERSATION_ID = '6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f';
export const CONTACT_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
export const MESSAGE_ID = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
export const USER_MESSAGE_ID = '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f';
export const CHUNK_ID = '9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a';

export const inspection: ContextInspection = {
  tokenizer: 'cl100k_base',
  exact: true,
  budget: 4000,
  total_tokens: 1000,
  sections: [
    { name: 'system', tokens: 400, items: [], dropped: 0, truncated: false },
    {
      name: 'knowledge',
      tokens: 500,
      items: [{ id: CHUNK_ID, tokens: 500, score: 0.82 }],
      dropped: 1,
      truncated: false,
    },
    { name: 'history', tokens: 100, items: [], dropped: 0, truncated: true },
  ],
  passages: [
    {
      number: 1,
      chunk_id: CHUNK_ID,
      document_id: DOCUMENT_ID,
      document_title: 'Pricing 2026',
      score: 0.82,
      text: 'The premium plan costs 49 € a month.',
      cited: true,
    },
  ],
  facts: [
    {
      text: 'Premium plan — includes — phone support',
      chunk_id: CHUNK_ID,
      document_id: DOCUMENT_ID,
      confidence: 0.9,
      used: false,
    },
  ],
  memories: [{ id: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b', text: 'city: Madrid', score: 0.71 }],
  crm_facts: ['Lead stage: Qualified'],
  system_prompt: 'You are the sales assistant of Acme.',
};

export const answer: MessageRead = {
  id: MESSAGE_ID,
  conversation_id: CONVERSATION_ID,
  role: 'assistant',
  content: 'The premium plan costs 49 € a month [1].',
  status: 'complete',
  provider: 'offline',
  model: 'offline',
  offline: true,
  tokens_in: 1000,
  tokens_out: 12,
  latency: {
    retrieval_ms: 40,
    context_ms: 10,
    first_token_ms: 120,
    generation_ms: 200,
    total_ms: 260,
  },
  citations: [
    {
      kind: 'passage',
      number: 1,
      chunk_id: CHUNK_ID,
      document_id: DOCUMENT_ID,
      document_title: 'Pricing 2026',
      quote: 'The premium plan costs 49 € a month.',
    },
  ],
  tool_calls: [
    {
      id: 'call-1',
      name: 'add_note',
      arguments: { text: 'Asked about premium' },
      status: 'ok',
      result: 'dry run',
      action: {
        kind: 'add_note',
        arguments: { text: 'Asked about premium' },
        outcome: 'dry_run',
        detail: 'test conversation',
        request: { action: 'add_note', lead_id: null, text: 'Asked about premium' },
      },
    },
  ],
  error: null,
  created_at: '2026-03-01T10:00:05Z',
};

export const question: MessageRead = {
  ...answer,
  id: USER_MESSAGE_ID,
  role: 'user',
  content: 'How much is premium?',
  provider: null,
  model: null,
  offline: false,
  tokens_in: 0,
  tokens_out: 0,
  latency: null,
  citations: [],
  tool_calls: [],
  created_at: '2026-03-01T10:00:00Z',
};

export const reply: ChatReply = {
  conversation_id: CONVERSATION_ID,
  user_message_id: USER_MESSAGE_ID,
  message: answer,
  context: inspection,
};

export const conversation: ConversationRead = {
  id: CONVERSATION_ID,
  agent_id: AGENT_ID,
  contact_id: CONTACT_ID,
  channel: 'test',
  status: 'open',
  title: 'How much is premium?',
  external_lead_id: null,
  external_talk_id: null,
  message_count: 2,
  last_message_at: '2026-03-01T10:00:05Z',
  handoff_reason: null,
  handoff_summary: null,
  handed_off_at: null,
  paused_until: null,
  created_at: '2026-03-01T10:00:00Z',
};

export const conversationDetail: ConversationDetail = {
  ...conversation,
  messages: [question, answer],
};

export function conversationPage(
  items: ConversationRead[],
  total = items.length,
): PageConversationRead {
  return { items, total, limit: 25, offset: 0 };
}

export const contact: ContactRead = {
  id: CONTACT_ID,
  name: 'Lucía Pérez',
  email: null,
  phone: null,
  external_ids: [{ system: 'api', external_id: 'lucia-1' }],
  created_at: '2026-03-01T10:00:00Z',
};

export const memory: MemoryRead = {
  id: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b',
  contact_id: CONTACT_ID,
  key: 'city',
  value: 'Madrid',
  text: 'city: Madrid',
  importance: 0.7,
  status: 'active',
  superseded_by_id: null,
  origin: 'conversation',
  conversation_id: CONVERSATION_ID,
  message_id: USER_MESSAGE_ID,
  times_seen: 1,
  last_seen_at: '2026-03-01T10:00:05Z',
  created_at: '2026-03-01T10:00:05Z',
  updated_at: '2026-03-01T10:00:05Z',
};

/** A Server-Sent Events body: `event:` and JSON `data:` per event, as the API writes them. */
export function sseBody(events: [string, unknown][]): string {
  return events
    .map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    .join('');
}
