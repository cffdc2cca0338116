import type {
  AgentPreviewMessage,
  AgentPreviewReply,
  AgentPreviewRequest,
  Passage,
  PreviewContext,
} from '../../../client';

/** A knowledge passage as typed in the Try-it panel; `id` keeps it apart while edited. */
export interface PassageDraft {
  id: string;
  title: string;
  text: string;
}

export interface UsedPassage {
  id: string;
  label: string;
}

export type Turn =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; reply: AgentPreviewReply; used: UsedPassage[] };

const MAX_MESSAGES = 50;

let nextPassage = 1;
export function newPassage(): PassageDraft {
  return { id: `passage-${nextPassage++}`, title: '', text: '' };
}

export function passageLabel(draft: PassageDraft, index: number): string {
  return draft.title.trim() || `Passage ${index + 1}`;
}

/**
 * What the preview is sent: the conversation so far, the passages that have text and whether,
 * with none, the agent looks its knowledge up (documents and graph) for the last message.
 */
export function previewRequest(turns: Turn[], drafts: PassageDraft[], useKnowledge: boolean) {
  const kept = drafts
    .map((draft, index) => ({ draft, label: passageLabel(draft, index) }))
    .filter(({ draft }) => draft.text.trim() !== '');
  // The API takes at most 50 messages: a long conversation sends its most recent ones.
  const messages: AgentPreviewMessage[] = turns
    .slice(-MAX_MESSAGES)
    .map(({ role, content }) => ({ role, content }));
  const passages: Passage[] = kept.map(({ draft }) => ({
    title: draft.title.trim(),
    text: draft.text.trim(),
  }));
  /** The reply's `used_passages` are indexes into `passages`; these are the drafts behind them. */
  const usedFrom = (reply: AgentPreviewReply): UsedPassage[] =>
    reply.used_passages.flatMap((index) => {
      const entry = kept[index];
      return entry ? [{ id: entry.draft.id, label: entry.label }] : [];
    });
  const body: AgentPreviewRequest = { messages, passages, use_knowledge: useKnowledge };
  return { body, usedFrom };
}

/** "2 of 3 passages used · 2 facts": what a reply's knowledge lookup found, in a few words. */
export function contextSummary(context: Pick<PreviewContext, 'passages' | 'facts'>): string {
  const found = context.passages.length;
  const used = context.passages.filter((p) => p.used).length;
  const facts = context.facts.length;
  const parts = [
    found > 0 ? `${used} of ${found} ${found === 1 ? 'passage' : 'passages'} used` : null,
    facts > 0
      ? `${facts} ${facts === 1 ? 'fact' : 'facts'}${context.facts.some((f) => f.used) ? ', used' : ''}`
      : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : 'nothing found';
}
