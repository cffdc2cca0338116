import { useLocation, useNavigate } from 'react-router-dom';

import { useTenants } from '../api/useTenants';
import { Skeleton } from '../components/Skeleton';

/** Picks the workspace; keeps the current page (`/w/A/settings/members` → `/w/B/settings/members`). */
export function WorkspaceSwitcher({ tenantId }: { tenantId: string }) {
  const tenants = useTenants();
  const navigate = useNavigate();
  const { pathname } = useLocation();

  if (tenants.isPending) return <Skeleton className="h-9 w-full" />;
  if (tenants.isError) return <p className="text-xs text-danger">Workspaces did not load.</p>;

  function open(nextId: string) {
    const rest = pathname.split('/').slice(3).join('/');
    void navigate(`/w/${nextId}${rest ? `/${rest}` : ''}`);
  }

  return (
    <div className="space-y-1">
      <label htmlFor="workspace-switcher" className="text-xs font-medium text-ink-muted uppercase">
        Workspace
      </label>
      <select
        id="workspace-switcher"
        value={tenantId}
        onChange={(event) => open(event.target.value)}
        className="block w-full rounded-control border border-surface-strong bg-surface px-3 py-2 text-sm font-medium text-ink"
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
