import type { Turn } from './conversation';
import { ReplyDetails } from './ReplyDetails';

/** The conversation so far: your messages on the right, the agent's replies on the left. */
export function ChatTranscript({
  tenantId,
  turns,
  greeting,
}: {
  tenantId: string;
  turns: Turn[];
  greeting: string;
}) {
  return (
    <ol aria-label="Conversation" className="space-y-4">
      {greeting ? (
        <li className="text-xs text-ink-muted">
          New leads are greeted with: <q className="italic">{greeting}</q>
        </li>
      ) : null}
      {turns.map((turn, index) =>
        turn.role === 'user' ? (
          <li key={index} className="flex justify-end">
            <p className="max-w-[80%] rounded-card bg-brand-600 px-4 py-2 text-sm whitespace-pre-wrap text-ink-inverse">
              <span className="sr-only">You: </span>
              {turn.content}
            </p>
          </li>
        ) : (
          <li key={index} className="max-w-[90%]">
            <div className="rounded-card border border-surface-border bg-surface-muted px-4 py-2 text-sm whitespace-pre-wrap text-ink">
              <span className="sr-only">Agent: </span>
              {turn.content}
            </div>
            <ReplyDetails tenantId={tenantId} reply={turn.reply} used={turn.used} />
          </li>
        ),
      )}
    </ol>
  );
}
