import { useCallback, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';

import type { ConversationListParams } from '../../api/keys';
import { useAgents } from '../../api/useAgents';
import { useConversations } from '../../api/useConversations';
import { Button } from '../../components/Button';
import { Card, PageHeader } from '../../components/Card';
import { Pager } from '../../components/Pager';
import { ListSkeleton } from '../../components/Skeleton';
import { EmptyState, ErrorState } from '../../components/States';
import { ConversationFilters } from '../../features/chat/conversations/ConversationFilters';
import { ConversationTable } from '../../features/chat/conversations/ConversationTable';
import { readListParams, writeListParams } from '../../features/chat/conversations/listParams';
import { useTenant } from '../../layout/tenantContext';
import { paths } from '../../paths';

/** Enough agents to name every row and fill the filter. */
const AGENTS_SIZE = 200;

/** Every conversation of the workspace (test chats, the API, Kommo), newest first. */
export function ConversationsPage() {
  const { tenantId } = useTenant();
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => readListParams(search), [search]);
  const update = useCallback(
    (next: Partial<Record<keyof ConversationListParams, string | number>>) =>
      setSearch((current) => writeListParams(current, next), { replace: true }),
    [setSearch],
  );
  const conversations = useConversations(tenantId, params);
  const agents = useAgents(tenantId, { q: '', status: '', limit: AGENTS_SIZE, offset: 0 });
  const agentList = useMemo(() => agents.data?.items ?? [], [agents.data]);
  const agentNames = useMemo(
    () => new Map(agentList.map((agent) => [agent.id, agent.name])),
    [agentList],
  );
  const filtered = params.channel !== '' || params.status !== '' || params.agent !== '';

  return (
    <>
      <PageHeader
        title="Conversations"
        description="What your agents and colleagues said to leads, in test chats, over the API and in Kommo."
      />
      <Card title="All conversations">
        <ConversationFilters value={params} agents={agentList} onChange={update} />
        {conversations.isPending ? (
          <ListSkeleton rows={4} label="Loading conversations" />
        ) : conversations.isError ? (
          <ErrorState error={conversations.error} onRetry={() => void conversations.refetch()} />
        ) : conversations.data.items.length === 0 ? (
          filtered ? (
            <EmptyState
              title="No conversations match"
              action={
                <Button
                  variant="secondary"
                  onClick={() => update({ channel: '', status: '', agent: '', offset: 0 })}
                >
                  Clear filters
                </Button>
              }
            >
              No conversation has that channel, status and agent.
            </EmptyState>
          ) : (
            <EmptyState
              title="No conversations yet"
              action={
                <Link
                  to={paths.testChat(tenantId)}
                  className="text-sm font-medium text-brand-700 hover:underline"
                >
                  Open the test chat
                </Link>
              }
            >
              Conversations appear here as leads write to your agents. Try one in the test chat.
            </EmptyState>
          )
        ) : (
          <>
            <ConversationTable
              tenantId={tenantId}
              conversations={conversations.data.items}
              agentNames={agentNames}
            />
            <Pager
              page={{ limit: params.limit, offset: params.offset }}
              total={conversations.data.total}
              onChange={(page) => update({ offset: page.offset })}
              noun="conversations"
            />
          </>
        )}
      </Card>
    </>
  );
}
