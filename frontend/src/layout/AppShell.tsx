import { useCallback, useEffect, useMemo, useState } from 'react';
import { Outlet, useLocation, useParams } from 'react-router-dom';

import { useTenants } from '../api/useTenants';
import { PageSkeleton } from '../components/Skeleton';
import { EmptyState, ErrorState } from '../components/States';
import { Breadcrumbs } from './Breadcrumbs';
import { Header } from './Header';
import { rememberWorkspace } from './lastWorkspace';
import { Brand, MainNav } from './MainNav';
import { NavDrawer } from './NavDrawer';
import { TenantContext, tenantValue } from './tenantContext';

const DRAWER_ID = 'main-nav-drawer';

/**
 * The frame of every workspace page: the sidebar (a drawer below 768 px), the header, the
 * breadcrumbs, and the page, which gets its workspace from `useTenant()`. A workspace the caller
 * is not a member of shows a plain notice instead of the page.
 */
export function AppShell() {
  const tenantId = useParams().tenantId ?? '';
  const tenants = useTenants();
  const tenant = tenants.data?.find((t) => t.id === tenantId);
  const value = useMemo(() => (tenant ? tenantValue(tenant) : null), [tenant]);

  // The drawer is open for the location it was opened at: going anywhere closes it.
  const location = useLocation();
  const [drawerAt, setDrawerAt] = useState<string | null>(null);
  const closeDrawer = useCallback(() => setDrawerAt(null), []);

  useEffect(() => {
    if (tenant) rememberWorkspace(tenant.id);
  }, [tenant]);

  return (
    <div className="min-h-screen md:flex">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-control focus:bg-surface focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <aside className="sticky top-0 hidden h-screen w-sidebar shrink-0 flex-col gap-6 overflow-y-auto border-r border-surface-border bg-surface p-gutter md:flex">
        <p className="text-lg">
          <Brand />
        </p>
        <MainNav tenantId={tenantId} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <Header
          tenantId={tenantId}
          menuId={DRAWER_ID}
          menuOpen={drawerAt === location.key}
          onOpenMenu={() => setDrawerAt(location.key)}
        />
        <main id="main" className="min-w-0 flex-1 px-4 py-6 md:px-section md:py-section">
          <div className="mx-auto max-w-content">
            {tenants.isPending ? (
              <PageSkeleton />
            ) : tenants.isError ? (
              <ErrorState error={tenants.error} onRetry={() => void tenants.refetch()} />
            ) : value ? (
              <TenantContext value={value}>
                <Breadcrumbs />
                <Outlet />
              </TenantContext>
            ) : (
              <EmptyState title="Workspace not found">
                It does not exist or you are not a member. Pick another in the switcher.
              </EmptyState>
            )}
          </div>
        </main>
      </div>
      <NavDrawer
        id={DRAWER_ID}
        open={drawerAt === location.key}
        tenantId={tenantId}
        onClose={closeDrawer}
      />
    </div>
  );
}
