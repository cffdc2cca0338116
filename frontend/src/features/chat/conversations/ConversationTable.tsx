import { Link } from 'react-router-dom';

import type { ConversationRead } from '../../../client';
import { Badge } from '../../../components/Badge';
import { TableScroll } from '../../../components/TableScroll';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { paths } from '../../../paths';
import { CHANNEL_LABELS } from '../labels';
import { ConversationStatusBadge } from './ConversationStatusBadge';

export interface ConversationTableProps {
  tenantId: string;
  conversations: ConversationRead[];
  agentNames: ReadonlyMap<string, string>;
}

export function ConversationTable({ tenantId, conversations, agentNames }: ConversationTableProps) {
  return (
    <TableScroll>
      <table className="w-full text-sm">
        <thead className="border-b border-surface-border text-left text-xs text-ink-muted">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">
              Conversation
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Agent
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Channel
            </th>
            <th scope="col" className="py-2 pr-3 font-medium">
              Status
            </th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">
              Messages
            </th>
            <th scope="col" className="py-2 font-medium">
              Last message
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-surface-border">
          {conversations.map((conversation) => (
            <tr key={conversation.id}>
              <td className="max-w-xs py-2 pr-3">
                <Link
                  to={paths.conversation(tenantId, conversation.id)}
                  className="line-clamp-2 font-medium break-words text-brand-700 hover:underline"
                >
                  {conversation.title || 'Untitled conversation'}
                </Link>
              </td>
              <td className="py-2 pr-3 text-ink-muted">
                {agentNames.get(conversation.agent_id) ?? 'Another agent'}
              </td>
              <td className="py-2 pr-3">
                <Badge>{CHANNEL_LABELS[conversation.channel]}</Badge>
              </td>
              <td className="py-2 pr-3">
                <ConversationStatusBadge conversation={conversation} />
              </td>
              <td className="py-2 pr-3 text-right font-mono">{conversation.message_count}</td>
              <td className="py-2 text-ink-muted">
                {conversation.last_message_at ? (
                  <time
                    dateTime={conversation.last_message_at}
                    title={formatDateTime(conversation.last_message_at)}
                  >
                    {formatRelative(conversation.last_message_at)}
                  </time>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
