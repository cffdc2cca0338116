import { useCallback, useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';

import type { AgentListParams } from '../../api/keys';
import type { AgentStatus } from '../../client';
import { useAgents } from '../../api/useAgents';
import { Button } from '../../components/Button';
import { Card, PageHeader } from '../../components/Card';
import { Pager } from '../../components/Pager';
import { ListSkeleton } from '../../components/Skeleton';
import { EmptyState, ErrorState } from '../../components/States';
import { SearchStatusFilters, type SearchStatusValues } from '../../components/SearchStatusFilters';
import { isAgentStatus, STATUSES } from '../../features/agents/labels';
import { AgentTable } from '../../features/agents/AgentTable';
import { ImportAgentButton } from '../../features/agents/ImportAgentButton';
import { useTenant } from '../../layout/tenantContext';

const PAGE_SIZE = 25;

/** Filters and page live in the URL, so a search survives reloads and the back button. */
function useListParams(): [AgentListParams, (next: Partial<AgentListParams>) => void] {
  const [search, setSearch] = useSearchParams();
  const status = search.get('status') ?? '';
  const params: AgentListParams = {
    q: search.get('q') ?? '',
    status: isAgentStatus(status) ? status : '',
    limit: PAGE_SIZE,
    offset: Math.max(0, Number(search.get('offset')) || 0),
  };
  const update = useCallback(
    (next: Partial<AgentListParams>) =>
      setSearch(
        (current) => {
          const merged = new URLSearchParams(current);
          for (const [key, value] of Object.entries(next)) {
            if (key === 'limit') continue;
            if (value === '' || value === 0) merged.delete(key);
            else merged.set(key, String(value));
          }
          return merged;
        },
        { replace: true },
      ),
    [setSearch],
  );
  return [params, update];
}

export function AgentsPage() {
  const { tenantId, canManage } = useTenant();
  const navigate = useNavigate();
  const [params, setParams] = useListParams();
  const agents = useAgents(tenantId, params);
  const filtered = params.q !== '' || params.status !== '';
  const filters = useMemo<SearchStatusValues<AgentStatus>>(
    () => ({ q: params.q, status: params.status }),
    [params.q, params.status],
  );
  const changeFilters = useCallback(
    (next: SearchStatusValues<AgentStatus>) => setParams({ ...next, offset: 0 }),
    [setParams],
  );

  return (
    <>
      <PageHeader
        title="AI agents"
        description="AI agents that answer and qualify your Kommo leads. Each change is kept as a version."
      />
      <Card
        title="All agents"
        actions={
          canManage ? (
            <div className="flex gap-2">
              <ImportAgentButton tenantId={tenantId} />
              <Button onClick={() => void navigate('new')}>New agent</Button>
            </div>
          ) : null
        }
      >
        <SearchStatusFilters
          value={filters}
          onChange={changeFilters}
          statuses={STATUSES}
          noun="agents"
          placeholder="Search by name or description"
        />
        {agents.isPending ? (
          <ListSkeleton rows={4} label="Loading agents" />
        ) : agents.isError ? (
          <ErrorState error={agents.error} onRetry={() => void agents.refetch()} />
        ) : agents.data.items.length === 0 ? (
          filtered ? (
            <EmptyState
              title="No agents match"
              action={
                <Button variant="secondary" onClick={() => changeFilters({ q: '', status: '' })}>
                  Clear filters
                </Button>
              }
            >
              Nothing has “{params.q || 'that'}” in its name or description
              {params.status ? ` with status ${params.status}` : ''}.
            </EmptyState>
          ) : (
            <EmptyState
              title="No agents yet"
              action={
                canManage ? <Button onClick={() => void navigate('new')}>New agent</Button> : null
              }
            >
              An agent answers your leads with the instructions, model and knowledge you give it.
              Create one, or import one exported from another workspace.
            </EmptyState>
          )
        ) : (
          <>
            <AgentTable agents={agents.data.items} />
            <Pager
              page={{ limit: params.limit, offset: params.offset }}
              total={agents.data.total}
              onChange={(page) => setParams({ offset: page.offset })}
              noun="agents"
            />
          </>
        )}
      </Card>
    </>
  );
}
