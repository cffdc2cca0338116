import { Navigate } from 'react-router-dom';

import { useTenants } from '../api/useTenants';
import { ListSkeleton } from '../components/Skeleton';
import { ErrorState } from '../components/States';
import { CreateWorkspaceCard } from '../features/workspace/CreateWorkspaceCard';
import { paths } from '../paths';
import { lastWorkspace } from './lastWorkspace';

/** `/`: open the last workspace, else the first; someone with none can create one. */
export function HomeRedirect() {
  const tenants = useTenants();
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
  if (target) return <Navigate to={paths.dashboard(target.id)} replace />;
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
