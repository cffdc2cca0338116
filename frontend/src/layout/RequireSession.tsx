import { Outlet } from 'react-router-dom';

import { isSignedOut } from '../api/client';
import { useSession } from '../api/useSession';
import { usePrefetchTenants } from '../api/useTenants';
import { Skeleton } from '../components/Skeleton';
import { ErrorState } from '../components/States';

/**
 * Pages behind sign-in. A 401 is handled by the API client (it goes to /login). The workspaces
 * are asked for at the same time as the session, not after it: every page behind sign-in needs
 * both.
 */
export function RequireSession() {
  const session = useSession();
  usePrefetchTenants();
  if (session.isPending) return <FullPageSkeleton />;
  if (session.isError) {
    if (isSignedOut(session.error)) return <FullPageSkeleton />;
    return (
      <main className="mx-auto mt-24 max-w-md px-4">
        <ErrorState error={session.error} onRetry={() => void session.refetch()} />
      </main>
    );
  }
  return <Outlet />;
}

function FullPageSkeleton() {
  return (
    <div role="status" aria-busy="true" className="min-h-screen md:flex">
      <span className="sr-only">Loading…</span>
      <div className="hidden w-sidebar shrink-0 space-y-4 border-r border-surface-border bg-surface p-gutter md:block">
        <Skeleton className="h-6 w-32" />
        <Skeleton className="h-4 w-24" />
        <Skeleton className="h-4 w-28" />
        <Skeleton className="h-4 w-20" />
      </div>
      <div className="min-w-0 flex-1">
        <div className="flex h-14 items-center gap-3 border-b border-surface-border bg-surface px-4 md:px-section">
          <Skeleton className="h-9 w-40" />
          <Skeleton className="ml-auto size-8 rounded-pill" />
        </div>
        <div className="space-y-4 px-4 py-6 md:p-section">
          <Skeleton className="h-8 w-64 max-w-full" />
          <Skeleton className="h-40 w-full max-w-content" />
        </div>
      </div>
    </div>
  );
}
