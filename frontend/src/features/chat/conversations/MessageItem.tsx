import type { MessageRead } from '../../../client';
import { formatDateTime } from '../../../lib/format';
import { AnswerFacts } from '../AnswerFacts';
import { Citations } from '../Citations';
import { ROLE_LABELS } from '../labels';
import { LatencyBar } from '../LatencyBar';
import { ToolCallCards } from '../ToolCallCards';
import { toolCallsOf } from '../toolCalls';

const BUBBLES: Record<MessageRead['role'], string> = {
  user: 'border-surface-border bg-surface-muted',
  assistant: 'border-brand-100 bg-brand-50',
  human: 'border-success/30 bg-success-soft',
};

/**
 * One message of a conversation: the customer's on the left, the agent's and colleagues' on
 * the right; an agent's answer with who wrote it, tokens, latency, sources and tool calls.
 */
export function MessageItem({ tenantId, message }: { tenantId: string; message: MessageRead }) {
  const fromUs = message.role !== 'user';
  return (
    <li
      id={`message-${message.id}`}
      className={`flex min-w-0 flex-col gap-1.5 ${fromUs ? 'items-end' : 'items-start'}`}
    >
      <p className="text-xs text-ink-muted">
        <span className="font-medium text-ink">{ROLE_LABELS[message.role]}</span> ·{' '}
        <time dateTime={message.created_at}>{formatDateTime(message.created_at)}</time>
      </p>
      <div
        className={`max-w-[90%] min-w-0 rounded-card border px-4 py-2 text-sm whitespace-pre-wrap break-words text-ink sm:max-w-[80%] ${BUBBLES[message.role]}`}
      >
        {message.content || <span className="text-ink-muted">(no text)</span>}
      </div>
      {message.role === 'assistant' ? (
        <div className="w-full max-w-[90%] min-w-0 space-y-2 sm:max-w-[80%]">
          <AnswerFacts message={message} />
          {message.latency ? <LatencyBar latency={message.latency} /> : null}
          <Citations tenantId={tenantId} citations={message.citations} />
          <ToolCallCards calls={toolCallsOf(message.tool_calls)} />
        </div>
      ) : null}
    </li>
  );
}
