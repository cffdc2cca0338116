import { Outlet } from 'react-router-dom';

import { isSignedOut } from '../api/client';
import { useSession } from '../api/useSession';
import { Skeleton } from '../components/Skeleton';
import { ErrorState } from '../components/States';

/** Pages behind sign-in. A 401 is handled by the API client (it goes to /login). */
export function RequireSession() {
  const session = useSession();
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
    <div role="status" aria-busy="true" className="flex min-h-screen">
      <span className="sr-only">Loading…</span>
      <div className="w-sidebar space-y-4 border-r border-surface-border bg-surface p-gutter">
        <Skeleton className="h-6 w-32" />
        <Skeleton className="h-9 w-full" />
        <Skeleton className="h-4 w-24" />
        <Skeleton className="h-4 w-28" />
      </div>
      <div className="flex-1 space-y-4 p-section">
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-40 w-full max-w-content" />
      </div>
    </div>
  );
}
