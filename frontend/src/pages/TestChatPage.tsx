import { Link, useSearchParams } from 'react-router-dom';

import { ApiError } from '../api/problem';
import { useAgent, useAgents } from '../api/useAgents';
import { Card, PageHeader } from '../components/Card';
import { SelectField } from '../components/Field';
import { FormSkeleton, ListSkeleton } from '../components/Skeleton';
import { EmptyState, ErrorState } from '../components/States';
import { AgentStatusBadge } from '../features/agents/AgentStatusBadge';
import { TestConversation } from '../features/chat/test-chat/TestConversation';
import { useTenant } from '../layout/tenantContext';
import { paths } from '../paths';

/** Enough for a picker; a workspace with more agents opens the others from their own page. */
const PICKER_SIZE = 200;

function AgentChat({ agentId }: { agentId: string }) {
  const { tenantId } = useTenant();
  const agent = useAgent(tenantId, agentId);
  if (agent.isPending) {
    return (
      <Card>
        <FormSkeleton fields={2} />
      </Card>
    );
  }
  if (agent.isError) {
    if (agent.error instanceof ApiError && agent.error.status === 404) {
      return (
        <EmptyState title="Agent not found">It may have been deleted: pick another one.</EmptyState>
      );
    }
    return <ErrorState error={agent.error} onRetry={() => void agent.refetch()} />;
  }
  return (
    <>
      <p className="mb-4 flex flex-wrap items-center gap-2 text-sm text-ink-muted">
        Talking to{' '}
        <Link
          to={paths.agent(tenantId, agent.data.id)}
          className="font-medium text-brand-700 hover:underline"
        >
          {agent.data.name}
        </Link>
        <AgentStatusBadge status={agent.data.status} />
        <span>version {agent.data.version}</span>
      </p>
      {/* Keyed by the agent: another agent starts a new conversation. */}
      <TestConversation key={agent.data.id} tenantId={tenantId} agent={agent.data} />
    </>
  );
}

/**
 * A test conversation with any agent of the workspace as it is saved now (the chat endpoint in
 * test mode, streamed: stored as a test conversation, CRM actions dry runs, nothing sent to
 * Kommo). The agent is named in the URL (`?agent=`), the first by default.
 */
export function TestChatPage() {
  const { tenantId, canManage } = useTenant();
  const [search, setSearch] = useSearchParams();
  const agents = useAgents(tenantId, { q: '', status: '', limit: PICKER_SIZE, offset: 0 });
  const chosen = search.get('agent') ?? agents.data?.items[0]?.id ?? '';

  let body;
  if (agents.isPending) body = <ListSkeleton rows={2} label="Loading agents" />;
  else if (agents.isError) {
    body = <ErrorState error={agents.error} onRetry={() => void agents.refetch()} />;
  } else if (agents.data.items.length === 0) {
    body = (
      <EmptyState
        title="No agents to talk to yet"
        action={
          canManage ? (
            <Link
              to={paths.newAgent(tenantId)}
              className="text-sm font-medium text-brand-700 hover:underline"
            >
              Create an agent
            </Link>
          ) : null
        }
      >
        Create an agent first; then try it here before it answers your leads.
      </EmptyState>
    );
  } else {
    const options = agents.data.items.map((agent) => ({ value: agent.id, label: agent.name }));
    if (!options.some((option) => option.value === chosen)) {
      options.unshift({ value: chosen, label: 'Another agent' });
    }
    body = (
      <div className="space-y-gutter">
        <div className="max-w-sm">
          <SelectField
            label="Agent"
            value={chosen}
            options={options}
            onChange={(event) => setSearch({ agent: event.target.value }, { replace: true })}
          />
        </div>
        <AgentChat agentId={chosen} />
      </div>
    );
  }

  return (
    <>
      <PageHeader
        title="Test chat"
        description="Talk to an agent the way a lead would, with its saved settings. Kept as test conversations; nothing is sent to Kommo."
      />
      {body}
    </>
  );
}
