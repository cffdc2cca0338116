import type { Channel, ConversationStatus, Latency, MessageRole } from '../../client';

export const CHANNEL_LABELS: Record<Channel, string> = {
  test: 'Test chat',
  api: 'API',
  kommo: 'Kommo',
};

export const STATUS_LABELS: Record<ConversationStatus, string> = {
  open: 'Open',
  handed_off: 'Handed off',
  closed: 'Closed',
};

export const ROLE_LABELS: Record<MessageRole, string> = {
  user: 'Customer',
  assistant: 'Agent',
  human: 'Colleague',
};

/** Segment colours of the small stacked bars, in order (tokens of the design system). */
export const SEGMENT_COLOURS = [
  'bg-brand-600',
  'bg-success',
  'bg-warning',
  'bg-brand-200',
  'bg-brand-800',
  'bg-ink-subtle',
  'bg-danger',
] as const;

export function segmentColour(index: number): string {
  return SEGMENT_COLOURS[index % SEGMENT_COLOURS.length] ?? 'bg-ink-subtle';
}

/**
 * Where an answer's time went: finding knowledge, building the context, waiting for the
 * model's first token, the rest of the writing (and anything else, tools and storing).
 */
export function latencySegments(latency: Latency) {
  const retrieval = latency.retrieval_ms ?? 0;
  const context = latency.context_ms ?? 0;
  const first = latency.first_token_ms ?? 0;
  const generation = latency.generation_ms ?? 0;
  const total = latency.total_ms ?? 0;
  const writing = Math.max(0, generation - first);
  const other = Math.max(0, total - retrieval - context - generation);
  return [
    { label: 'Retrieval', value: retrieval },
    { label: 'Context', value: context },
    { label: 'First token', value: first },
    { label: 'Writing', value: writing },
    { label: 'Other', value: other },
  ];
}

const SECTION_LABELS: Record<string, string> = {
  instructions: 'Instructions',
  crm: 'CRM facts',
  memories: 'Memories',
  knowledge: 'Knowledge',
  facts: 'Graph facts',
  summary: 'Summary',
  history: 'History',
  message: 'Message',
};

export function sectionLabel(name: string): string {
  return SECTION_LABELS[name] ?? name;
}
