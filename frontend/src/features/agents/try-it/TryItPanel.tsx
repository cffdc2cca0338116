import { useState, type FormEvent, type KeyboardEvent } from 'react';

import type { AgentRead } from '../../../client';
import { errorMessage, errorTitle } from '../../../api/problem';
import { usePreviewReply } from '../../../api/useAgents';
import { Button } from '../../../components/Button';
import { Card } from '../../../components/Card';
import { EmptyState } from '../../../components/States';
import { Switch } from '../../../components/Switch';
import { ChatTranscript } from './ChatTranscript';
import { previewRequest, type PassageDraft, type Turn } from './conversation';
import { PassageEditor } from './PassageEditor';

/** When the knowledge lookup happens, or why it does not. */
function lookupNote(searches: boolean, typed: boolean): string {
  if (!searches) {
    return 'This agent has no knowledge search tool: turn it on in Settings to let it look things up.';
  }
  if (typed) return 'Not while passages are typed in below: the agent answers from those.';
  return 'For each message the agent searches the documents and the knowledge graph it may read.';
}

export interface TryItPanelProps {
  tenantId: string;
  agent: AgentRead;
  canManage: boolean;
}

/**
 * A conversation with the agent as saved now. Without typed-in passages the agent looks its
 * knowledge up (documents and knowledge graph) for each message, and each reply lists what was
 * found and used; passages typed in by hand are used instead. Each reply says who wrote it: a
 * provider's model, or the offline responder when none is set up.
 */
export function TryItPanel({ tenantId, agent, canManage }: TryItPanelProps) {
  const preview = usePreviewReply(tenantId, agent.id);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState('');
  const [passages, setPassages] = useState<PassageDraft[]>([]);
  const [useKnowledge, setUseKnowledge] = useState(true);
  const searches = agent.tools.includes('knowledge_search');

  if (!canManage) {
    return (
      <EmptyState title="Only owners and admins can try agents">
        Each reply may use the workspace&apos;s AI tokens.
      </EmptyState>
    );
  }

  const lastReply = [...turns].reverse().find((turn) => turn.role === 'assistant');
  const usedIds = new Set(lastReply?.role === 'assistant' ? lastReply.used.map((p) => p.id) : []);
  const typed = passages.some((p) => p.text.trim() !== '');

  function ask(conversation: Turn[]) {
    const { body, usedFrom } = previewRequest(conversation, passages, useKnowledge);
    preview.mutate(body, {
      onSuccess: (reply) =>
        setTurns([
          ...conversation,
          { role: 'assistant', content: reply.text, reply, used: usedFrom(reply) },
        ]),
    });
  }

  function send(event?: FormEvent) {
    event?.preventDefault();
    const content = draft.trim();
    if (!content || preview.isPending) return;
    const conversation: Turn[] = [...turns, { role: 'user', content }];
    setTurns(conversation);
    setDraft('');
    ask(conversation);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  }

  const failed = preview.isError && turns[turns.length - 1]?.role === 'user';
  return (
    <div className="grid gap-gutter lg:grid-cols-[3fr_2fr]">
      <Card
        title="Conversation"
        description="Replies use the saved settings: save your changes before trying them."
        actions={
          turns.length > 0 ? (
            <Button
              variant="ghost"
              size="sm"
              disabled={preview.isPending}
              onClick={() => {
                setTurns([]);
                preview.reset();
              }}
            >
              Start over
            </Button>
          ) : null
        }
      >
        {turns.length === 0 ? (
          <p className="mb-4 text-sm text-ink-muted">
            Write as a lead would, e.g. “How much is the premium plan?”.
          </p>
        ) : null}
        <ChatTranscript tenantId={tenantId} turns={turns} greeting={agent.greeting} />
        {preview.isPending ? (
          <p role="status" className="mt-4 animate-pulse text-sm text-ink-muted">
            {agent.name} is writing…
          </p>
        ) : null}
        {failed ? (
          <div role="alert" className="mt-4 rounded-control bg-danger-soft px-3 py-2 text-sm">
            <p className="font-semibold text-danger-strong">{errorTitle(preview.error)}</p>
            <p className="text-danger-strong">{errorMessage(preview.error)}</p>
            <Button variant="secondary" size="sm" className="mt-2" onClick={() => ask(turns)}>
              Try again
            </Button>
          </div>
        ) : null}
        <form onSubmit={send} className="mt-4 flex items-end gap-2">
          <textarea
            aria-label="Message"
            rows={2}
            value={draft}
            maxLength={8000}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onKeyDown}
            placeholder="Type a message; Enter sends, Shift+Enter starts a new line"
            className="block min-w-0 flex-1 rounded-control border border-surface-strong bg-surface px-3 py-2 text-sm"
          />
          <Button type="submit" loading={preview.isPending} disabled={draft.trim() === ''}>
            Send
          </Button>
        </form>
      </Card>
      <Card
        title="Knowledge"
        description="What the agent may answer from; each reply says what it used."
      >
        <div className="space-y-5">
          <div className="flex items-start justify-between gap-3">
            <div>
              <p className="text-sm font-medium text-ink">Look up the agent&apos;s knowledge</p>
              <p className="text-xs text-ink-muted">{lookupNote(searches, typed)}</p>
            </div>
            <Switch
              checked={useKnowledge && searches}
              onChange={setUseKnowledge}
              label="Look up the agent's knowledge"
              disabled={!searches}
            />
          </div>
          <div className="space-y-2">
            <h3 className="text-sm font-medium text-ink">Passages typed in</h3>
            <p className="text-xs text-ink-muted">
              Optional: when there are any, the agent answers from them instead of a lookup;
              passages it used are highlighted.
            </p>
            <PassageEditor passages={passages} onChange={setPassages} usedIds={usedIds} />
          </div>
        </div>
      </Card>
    </div>
  );
}
