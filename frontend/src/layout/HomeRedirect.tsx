import { Navigate, useLocation } from 'react-router-dom';

import { useTenants } from '../api/useTenants';
import { ListSkeleton } from '../components/Skeleton';
import { ErrorState } from '../components/States';
import { CreateWorkspaceCard } from '../features/workspace/CreateWorkspaceCard';
import { paths } from '../paths';
import { lastWorkspace } from './lastWorkspace';

/**
 * `/` (and `/manage`): open the last workspace, else the first; someone with none can create
 * one. Kommo's consent callback sends `/manage?kommo=error…` when it cannot tell the workspace:
 * that goes on to the integrations page, which says what happened.
 */
export function HomeRedirect() {
  const tenants = useTenants();
  const { search } = useLocation();
  if (tenants.isPending) {
    return (
      <main className="mx-auto mt-24 max-w-md px-4">
        <ListSkeleton rows={2} label="Loading workspaces" />
      </main>
    );
  }
  if (tenants.isError) {
    return (
      <main className="mx-auto mt-24 max-w-md px-4">
        <ErrorState error={tenants.error} onRetry={() => void tenants.refetch()} />
      </main>
    );
  }
  const remembered = lastWorkspace();
  const target = tenants.data.find((t) => t.id === remembered) ?? tenants.data[0];
  if (target) {
    const kommo = new URLSearchParams(search).has('kommo');
    const to = kommo ? `${paths.integrations(target.id)}${search}` : paths.dashboard(target.id);
    return <Navigate to={to} replace />;
  }
  return (
    <main className="mx-auto mt-24 max-w-md space-y-4 px-4">
      <h1 className="text-title font-semibold">You are not in a workspace yet</h1>
      <p className="text-sm text-ink-muted">
        Ask a colleague to invite you to theirs, or create your own to set up agents for your Kommo
        account.
      </p>
      <CreateWorkspaceCard />
    </main>
  );
}
