import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router-dom';

import type { AgentRead } from '../../../client';
import { Button } from '../../../components/Button';
import { Card } from '../../../components/Card';
import { paths } from '../../../paths';
import { ContextInspector } from '../inspector/ContextInspector';
import { AgentAnswer } from './AgentAnswer';
import { ContactFields } from './ContactFields';
import { contactRef, type AgentTurn, type ContactDraft } from './testTurns';
import { useTestChat } from './useTestChat';

export interface TestConversationProps {
  tenantId: string;
  agent: AgentRead;
}

/**
 * A real conversation with the agent in test mode: answers stream in, CRM actions are dry runs,
 * and each answer can be inspected (what the model was given, token by token budget, and where
 * the time went). Nothing is sent to Kommo.
 */
export function TestConversation({ tenantId, agent }: TestConversationProps) {
  const chat = useTestChat(tenantId, agent.id);
  const [draft, setDraft] = useState('');
  const [contact, setContact] = useState<ContactDraft>({ name: '', externalId: '' });
  const [selectedKey, setSelectedKey] = useState<string | null>(null);

  const answers = chat.turns.filter((turn): turn is AgentTurn => turn.role === 'assistant');
  const inspected =
    answers.find((turn) => turn.key === selectedKey && turn.context) ??
    [...answers].reverse().find((turn) => turn.context);

  function send(event?: FormEvent) {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || chat.streaming) return;
    setDraft('');
    setSelectedKey(null);
    void chat.send(text, contactRef(contact));
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  }

  return (
    <div className="grid min-w-0 gap-gutter lg:grid-cols-[3fr_2fr]">
      <Card
        title="Conversation"
        description="A test conversation: answers use the saved settings; CRM actions are dry runs."
        actions={
          <Button
            variant="secondary"
            size="sm"
            disabled={chat.turns.length === 0}
            onClick={() => {
              chat.reset();
              setSelectedKey(null);
            }}
          >
            New conversation
          </Button>
        }
      >
        <div className="space-y-4">
          <ContactFields
            draft={contact}
            onChange={setContact}
            locked={chat.conversationId !== null}
          />
          {chat.conversationId ? (
            <p className="text-xs text-ink-muted">
              Stored as a test conversation:{' '}
              <Link
                to={paths.conversation(tenantId, chat.conversationId)}
                className="font-medium text-brand-700 hover:underline"
              >
                open it in Conversations
              </Link>
            </p>
          ) : null}
          <ol aria-label="Conversation" className="space-y-4">
            {agent.greeting ? (
              <li className="text-xs text-ink-muted">
                New leads are greeted with: <q className="italic">{agent.greeting}</q>
              </li>
            ) : null}
            {chat.turns.length === 0 ? (
              <li className="text-sm text-ink-muted">
                Write as a lead would, e.g. “How much is the premium plan?”.
              </li>
            ) : null}
            {chat.turns.map((turn) =>
              turn.role === 'user' ? (
                <li key={turn.key} className="flex justify-end">
                  <p className="max-w-[80%] rounded-card bg-brand-600 px-4 py-2 text-sm whitespace-pre-wrap break-words text-ink-inverse">
                    <span className="sr-only">You: </span>
                    {turn.text}
                  </p>
                </li>
              ) : (
                <li key={turn.key}>
                  <AgentAnswer
                    tenantId={tenantId}
                    turn={turn}
                    selected={inspected?.key === turn.key}
                    onInspect={() => setSelectedKey(turn.key)}
                  />
                </li>
              ),
            )}
          </ol>
          <form onSubmit={send} className="flex items-end gap-2">
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
            {chat.streaming ? (
              <Button variant="danger" onClick={chat.stop}>
                Stop
              </Button>
            ) : (
              <Button type="submit" disabled={draft.trim() === ''}>
                Send
              </Button>
            )}
          </form>
        </div>
      </Card>
      <Card
        title="Context inspector"
        description="What the model was given for the selected answer."
      >
        {inspected?.context ? (
          <ContextInspector
            tenantId={tenantId}
            context={inspected.context}
            latency={inspected.message?.latency}
          />
        ) : (
          <p className="text-sm text-ink-muted">
            Send a message: each answer shows its context here, section by section.
          </p>
        )}
      </Card>
    </div>
  );
}
