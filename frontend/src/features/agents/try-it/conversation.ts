import type { AgentPreviewMessage, AgentPreviewReply, Passage } from '../../../client';

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

/** What the preview is sent: the conversation so far and the passages that have text. */
export function previewRequest(turns: Turn[], drafts: PassageDraft[]) {
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
  return { body: { messages, passages }, usedFrom };
}
