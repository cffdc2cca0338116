import type { AgentPreviewReply } from '../../../client';
import { Badge } from '../../../components/Badge';
import type { UsedPassage } from './conversation';
import { KnowledgeUsed } from './KnowledgeUsed';

const SOURCES: Record<AgentPreviewReply['model_source'], string> = {
  agent: "the agent's model",
  workspace: 'the workspace default',
  environment: "the platform's default",
  offline: 'offline',
};

export interface ReplyDetailsProps {
  tenantId: string;
  reply: AgentPreviewReply;
  used: UsedPassage[];
}

/**
 * Who answered (the offline responder, or which provider and model), at what cost, and the
 * knowledge it drew on: typed passages, or what its lookup found.
 */
export function ReplyDetails({ tenantId, reply, used }: ReplyDetailsProps) {
  return (
    <div className="mt-2 space-y-1.5 text-xs text-ink-muted">
      <div className="flex flex-wrap items-center gap-2">
        {reply.offline ? (
          <Badge tone="warning">Offline responder</Badge>
        ) : (
          <Badge tone="brand">{reply.provider}</Badge>
        )}
        <code className="font-mono">{reply.model}</code>
        {reply.offline ? null : <span>via {SOURCES[reply.model_source]}</span>}
        <span aria-hidden="true">·</span>
        <span>
          {reply.tokens_in.toLocaleString()} in / {reply.tokens_out.toLocaleString()} out tokens
        </span>
        <span aria-hidden="true">·</span>
        <span>{reply.latency_ms.toLocaleString()} ms</span>
      </div>
      {used.length > 0 ? (
        <p className="flex flex-wrap items-center gap-1.5">
          <span>Used passages:</span>
          {used.map((passage) => (
            <mark
              key={passage.id}
              className="rounded-pill bg-warning-soft px-2 py-0.5 font-medium text-warning-strong"
            >
              {passage.label}
            </mark>
          ))}
        </p>
      ) : reply.offline && !reply.context ? (
        <p>No passage matched: the offline responder answers only from the passages given.</p>
      ) : null}
      {reply.context ? <KnowledgeUsed tenantId={tenantId} context={reply.context} /> : null}
    </div>
  );
}
