import type { MessageRead } from '../../client';
import { Badge } from '../../components/Badge';

/**
 * Who wrote an answer (the offline responder, clearly, or which provider and model) and what it
 * cost in tokens. A failed answer says why.
 */
export function AnswerFacts({ message }: { message: MessageRead }) {
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs text-ink-muted">
      {message.offline ? (
        <Badge tone="warning">Offline responder</Badge>
      ) : message.provider ? (
        <Badge tone="brand">{message.provider}</Badge>
      ) : null}
      {message.model && !message.offline ? (
        <code className="font-mono break-all">{message.model}</code>
      ) : null}
      <span>
        {message.tokens_in.toLocaleString()} in / {message.tokens_out.toLocaleString()} out tokens
      </span>
      {message.latency ? (
        <>
          <span aria-hidden="true">·</span>
          <span>{(message.latency.total_ms ?? 0).toLocaleString()} ms</span>
        </>
      ) : null}
      {message.status === 'failed' ? <Badge tone="danger">Failed</Badge> : null}
      {message.error ? <span className="text-danger-strong">{message.error}</span> : null}
    </div>
  );
}
