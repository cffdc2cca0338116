import { Link, useMatches } from 'react-router-dom';

import { useAgent } from '../api/useAgents';
import { paths } from '../paths';
import { CRUMB_LABELS, crumbOf, type CrumbKey } from './crumbs';
import { useTenant } from './tenantContext';

function AgentName({ agentId }: { agentId: string }) {
  const { tenantId } = useTenant();
  // The same query as the agent's page, so this costs no request of its own.
  const agent = useAgent(tenantId, agentId);
  return <>{agent.data?.name ?? CRUMB_LABELS.agent}</>;
}

interface Crumb {
  key: CrumbKey;
  to: string;
  agentId?: string;
}

/** Workspace › section › page, from the `handle`s of the routes that matched. */
export function Breadcrumbs() {
  const { tenantId, tenant } = useTenant();
  const matches = useMatches();
  const items: Crumb[] = [];
  for (const match of matches) {
    const key = crumbOf(match.handle);
    if (key) items.push({ key, to: match.pathname, agentId: match.params.agentId });
  }
  if (items.length === 0) return null;

  return (
    <nav aria-label="Breadcrumb" className="mb-4 min-w-0 text-sm text-ink-muted">
      <ol className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <li className="min-w-0 truncate">
          <Link to={paths.dashboard(tenantId)} className="hover:text-ink hover:underline">
            {tenant.name}
          </Link>
        </li>
        {items.map((item, index) => {
          const label =
            item.key === 'agent' && item.agentId ? (
              <AgentName agentId={item.agentId} />
            ) : (
              CRUMB_LABELS[item.key]
            );
          const last = index === items.length - 1;
          return (
            <li key={item.to} className="flex min-w-0 items-center gap-2">
              <span aria-hidden="true" className="text-ink-subtle">
                /
              </span>
              {last ? (
                <span aria-current="page" className="truncate font-medium text-ink">
                  {label}
                </span>
              ) : (
                <Link to={item.to} className="truncate hover:text-ink hover:underline">
                  {label}
                </Link>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
