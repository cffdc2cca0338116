import { useLocation, useNavigate } from 'react-router-dom';

import { useTenants } from '../api/useTenants';
import { Skeleton } from '../components/Skeleton';
import { samePageIn } from '../paths';

/**
 * Picks the workspace and keeps the section (`/manage/A/settings/members` →
 * `/manage/B/settings/members`); what belongs to one workspace, such as an agent, is left behind.
 */
export function WorkspaceSwitcher({ tenantId }: { tenantId: string }) {
  const tenants = useTenants();
  const navigate = useNavigate();
  const { pathname } = useLocation();

  if (tenants.isPending) return <Skeleton className="h-9 w-40" />;
  if (tenants.isError) return <p className="text-xs text-danger">Workspaces did not load.</p>;

  return (
    <div className="min-w-0">
      <label htmlFor="workspace-switcher" className="sr-only">
        Workspace
      </label>
      <select
        id="workspace-switcher"
        value={tenantId}
        onChange={(event) => void navigate(samePageIn(pathname, event.target.value))}
        className="block w-full max-w-60 truncate rounded-control border border-surface-strong bg-surface py-2 pr-8 pl-3 text-sm font-medium text-ink"
      >
        {tenants.data.map((tenant) => (
          <option key={tenant.id} value={tenant.id}>
            {tenant.name}
          </option>
        ))}
      </select>
    </div>
  );
}
