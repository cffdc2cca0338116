import { useEffect } from 'react';
import { NavLink, Outlet } from 'react-router-dom';

import { useLogout, useSession } from '../api/useSession';
import { useTenants } from '../api/useTenants';
import { Button } from '../components/Button';
import { ListSkeleton } from '../components/Skeleton';
import { EmptyState, ErrorState } from '../components/States';
import { rememberWorkspace } from './lastWorkspace';
import { useTenantId } from './useTenantId';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';

const NAV = [
  { to: '', label: 'Dashboard', end: true },
  { to: 'agents', label: 'Agents', end: false },
  { to: 'knowledge', label: 'Knowledge', end: false },
  { to: 'ai', label: 'AI', end: false },
  { to: 'settings/workspace', label: 'Workspace settings', end: false },
  { to: 'settings/feature-flags', label: 'Feature flags', end: false },
  { to: 'settings/members', label: 'Members', end: false },
  { to: 'settings/api-keys', label: 'API keys', end: false },
] as const;

function navClass({ isActive }: { isActive: boolean }): string {
  return `block rounded-control px-3 py-2 text-sm font-medium ${
    isActive
      ? 'bg-brand-50 text-brand-700'
      : 'text-ink-muted hover:bg-surface-sunken hover:text-ink'
  }`;
}

function SignedInUser() {
  const session = useSession();
  const logout = useLogout();
  const user = session.data?.user;
  return (
    <div className="space-y-2 border-t border-surface-border pt-4">
      {user ? (
        <div className="text-sm">
          <p className="truncate font-medium text-ink">{user.name || user.email}</p>
          {user.name ? <p className="truncate text-xs text-ink-muted">{user.email}</p> : null}
        </div>
      ) : null}
      <Button variant="ghost" size="sm" loading={logout.isPending} onClick={() => logout.mutate()}>
        Sign out
      </Button>
    </div>
  );
}

/** Sidebar (brand, workspace switcher, navigation, who is signed in) around the page. */
export function AppShell() {
  const tenantId = useTenantId();
  const tenants = useTenants();
  const known = tenants.data?.some((t) => t.id === tenantId) ?? false;

  useEffect(() => {
    if (known) rememberWorkspace(tenantId);
  }, [known, tenantId]);

  return (
    <div className="flex min-h-screen">
      <aside className="flex w-sidebar shrink-0 flex-col gap-6 border-r border-surface-border bg-surface p-gutter">
        <p className="text-lg font-semibold text-brand-700">Agent Platform</p>
        <WorkspaceSwitcher tenantId={tenantId} />
        <nav aria-label="Main" className="flex-1 space-y-1">
          {NAV.map((item) => (
            <NavLink key={item.label} to={item.to} end={item.end} className={navClass}>
              {item.label}
            </NavLink>
          ))}
        </nav>
        <SignedInUser />
      </aside>
      <main className="min-w-0 flex-1 px-section py-section">
        <div className="mx-auto max-w-content">
          {tenants.isPending ? (
            <ListSkeleton rows={4} />
          ) : tenants.isError ? (
            <ErrorState error={tenants.error} onRetry={() => void tenants.refetch()} />
          ) : known ? (
            <Outlet />
          ) : (
            <EmptyState title="Workspace not found">
              It does not exist or you are not a member. Pick another in the switcher.
            </EmptyState>
          )}
        </div>
      </main>
    </div>
  );
}
