import { Link, useParams, useSearchParams } from 'react-router-dom';

import { ApiError } from '../../api/problem';
import { useAgent } from '../../api/useAgents';
import { Card } from '../../components/Card';
import { FormSkeleton, Skeleton } from '../../components/Skeleton';
import { EmptyState, ErrorState } from '../../components/States';
import { Tabs } from '../../components/Tabs';
import { AgentActions } from '../../features/agents/AgentActions';
import { AgentEditor } from '../../features/agents/AgentEditor';
import { AgentStatusBadge } from '../../features/agents/AgentStatusBadge';
import { RevisionsPanel } from '../../features/agents/revisions/RevisionsPanel';
import { TryItPanel } from '../../features/agents/try-it/TryItPanel';
import { useTenant } from '../../layout/tenantContext';
import { ReadOnlyNotice } from '../settings/ReadOnlyNotice';
import { paths } from '../../paths';

const TABS = ['settings', 'try', 'versions'] as const;
type Tab = (typeof TABS)[number];

function BackLink({ tenantId }: { tenantId: string }) {
  return (
    <Link
      to={paths.agents(tenantId)}
      className="text-sm font-medium text-brand-700 hover:underline"
    >
      ← AI agents
    </Link>
  );
}

/**
 * One agent: its settings, a Try-it conversation, and its versions, as tabs (keyed by the agent,
 * so a duplicate opened from here starts with a fresh conversation).
 */
export function AgentPage() {
  const { tenantId, canManage } = useTenant();
  const agentId = useParams().agentId ?? '';
  const agent = useAgent(tenantId, agentId);
  const [search, setSearch] = useSearchParams();
  const requested = search.get('tab');
  const tab: Tab = TABS.find((t) => t === requested) ?? 'settings';

  if (agent.isPending) {
    return (
      <div className="space-y-gutter">
        <Skeleton className="h-8 w-64" />
        <Card>
          <FormSkeleton fields={6} />
        </Card>
      </div>
    );
  }
  if (agent.isError) {
    if (agent.error instanceof ApiError && agent.error.status === 404) {
      return (
        <EmptyState title="Agent not found" action={<BackLink tenantId={tenantId} />}>
          It may have been deleted.
        </EmptyState>
      );
    }
    return <ErrorState error={agent.error} onRetry={() => void agent.refetch()} />;
  }

  const current = agent.data;
  return (
    <>
      <header className="mb-section space-y-2">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h1 className="flex flex-wrap items-center gap-3 text-title font-semibold text-ink">
              {current.name}
              <AgentStatusBadge status={current.status} />
            </h1>
            <p className="mt-1 text-sm text-ink-muted">
              Version {current.version}
              {current.description ? ` · ${current.description}` : ''}
            </p>
          </div>
          <AgentActions tenantId={tenantId} agent={current} canManage={canManage} />
        </div>
      </header>
      {canManage ? null : <ReadOnlyNotice />}
      <Tabs<Tab>
        key={current.id}
        label="Agent"
        selected={tab}
        onSelect={(next) => setSearch(next === 'settings' ? {} : { tab: next }, { replace: true })}
        tabs={[
          {
            key: 'settings',
            label: 'Settings',
            panel: (
              <Card>
                <AgentEditor tenantId={tenantId} agent={current} readOnly={!canManage} />
              </Card>
            ),
          },
          {
            key: 'try',
            label: 'Try it',
            panel: <TryItPanel tenantId={tenantId} agent={current} canManage={canManage} />,
          },
          {
            key: 'versions',
            label: 'Versions',
            panel: (
              <Card
                title="Versions"
                description="Every saved change is a version. Restoring one saves its settings as a new version."
              >
                <RevisionsPanel tenantId={tenantId} agent={current} canManage={canManage} />
              </Card>
            ),
          },
        ]}
      />
    </>
  );
}
