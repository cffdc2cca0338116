import type { ConversationRead } from '../../../client';
import { Badge } from '../../../components/Badge';
import { STATUS_LABELS } from '../labels';

/** Open, handed off (amber), closed; "paused" while a person's reply keeps the agent quiet. */
export function ConversationStatusBadge({
  conversation,
}: {
  conversation: Pick<ConversationRead, 'status' | 'paused_until'>;
}) {
  const paused =
    conversation.paused_until !== null && new Date(conversation.paused_until) > new Date();
  return (
    <span className="inline-flex flex-wrap gap-1">
      <Badge
        tone={
          conversation.status === 'handed_off'
            ? 'warning'
            : conversation.status === 'open'
              ? 'success'
              : 'neutral'
        }
      >
        {STATUS_LABELS[conversation.status]}
      </Badge>
      {paused ? <Badge tone="brand">Agent paused</Badge> : null}
    </span>
  );
}
