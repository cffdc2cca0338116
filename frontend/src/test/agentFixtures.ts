/** Agents as the API returns them (typed with the generated schema types). */
import type {
  AgentPreviewReply,
  AgentRead,
  AgentSummary,
  PageAgentSummary,
  PageRevisionRead,
  RevisionDetail,
  RevisionRead,
} from '../client';
import { USER_ID } from './fixtures';
import { DOCUMENT_ID, firstChunk } from './knowledgeFixtures';

export const AGENT_ID = '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d';

export const agent: AgentRead = {
  id: AGENT_ID,
  name: 'Sales assistant',
  description: 'Qualifies new leads',
  status: 'active',
  instructions: 'You are the sales assistant of Acme.',
  greeting: 'Hi! How can I help?',
  language: 'en',
  provider_id: null,
  model: null,
  temperature: 0.3,
  max_output_tokens: 1024,
  tools: ['knowledge_search', 'handoff'],
  knowledge: { all: true, document_ids: [], collection_ids: [] },
  kommo: { pipeline_ids: [7214562], channels: ['whatsapp'] },
  working_hours: null,
  human_pause_minutes: 30,
  version: 3,
  created_at: '2026-03-01T09:00:00Z',
  updated_at: '2026-03-03T09:00:00Z',
};

export function summaryOf(item: AgentRead): AgentSummary {
  const { id, name, description, status, language, model, version, updated_at } = item;
  return { id, name, description, status, language, model, version, updated_at };
}

export function agentPage(items: AgentSummary[], total = items.length): PageAgentSummary {
  return { items, total, limit: 25, offset: 0 };
}

/** The configuration part of an agent: what a revision's snapshot holds. */
export function snapshotOf(item: AgentRead): Record<string, unknown> {
  const { id: _id, version: _v, created_at: _c, updated_at: _u, ...config } = item;
  return config;
}

export const revisions: RevisionRead[] = [
  {
    version: 3,
    changed_fields: ['temperature'],
    actor: `user:${USER_ID}`,
    note: '',
    created_at: '2026-03-03T09:00:00Z',
  },
  {
    version: 2,
    changed_fields: ['instructions'],
    actor: 'user:99999999-0000-4000-8000-000000000000',
    note: '',
    created_at: '2026-03-02T09:00:00Z',
  },
  {
    version: 1,
    changed_fields: Object.keys(snapshotOf(agent)),
    actor: `user:${USER_ID}`,
    note: 'created',
    created_at: '2026-03-01T09:00:00Z',
  },
];

export function revisionPage(items: RevisionRead[]): PageRevisionRead {
  return { items, total: items.length, limit: 20, offset: 0 };
}

export const revisionTwo: RevisionDetail = {
  ...revisions[1]!,
  snapshot: { ...snapshotOf(agent), instructions: 'Be brief.', temperature: 0.7 },
};

export const offlineReply: AgentPreviewReply = {
  text: 'The premium plan costs 49 EUR a month.\n\nSources: Prices',
  offline: true,
  provider: 'offline',
  model: 'offline/extractive-v1',
  model_source: 'offline',
  used_passages: [1],
  tokens_in: 41,
  tokens_out: 12,
  latency_ms: 3,
};

export const REFUND_DOCUMENT_ID = '8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e';

/** The offline responder, answering from what the agent's knowledge lookup found. */
export const lookupReply: AgentPreviewReply = {
  ...offlineReply,
  text: 'The business plan costs 49 € per seat.\n\nSources: Price list 2026',
  used_passages: [0, 2],
  context: {
    query: 'How much is the business plan?',
    passages: [
      {
        index: 0,
        chunk_id: firstChunk.id,
        document_id: DOCUMENT_ID,
        document_title: 'Price list 2026',
        score: 0.8123,
        used: true,
      },
      {
        index: 1,
        chunk_id: '9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
        document_id: REFUND_DOCUMENT_ID,
        document_title: 'Refund policy',
        score: 0.4012,
        used: false,
      },
    ],
    facts: [
      {
        text: 'Acme Corp — supplies → Bracket X',
        subject: 'Acme Corp',
        predicate: 'supplies',
        object: 'Bracket X',
        confidence: 0.9,
        document_id: DOCUMENT_ID,
        document_title: 'Price list 2026',
        chunk_id: firstChunk.id,
        used: true,
      },
    ],
    facts_passage_index: 2,
  },
};
