import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Navigate, type RouteObject } from 'react-router-dom';

import { PageSkeleton } from './components/Skeleton';
import { AppShell } from './layout/AppShell';
import { HomeRedirect } from './layout/HomeRedirect';
import { RequireSession } from './layout/RequireSession';
import { AcceptInvitationPage } from './pages/AcceptInvitationPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';

/** Pages anyone may open; a 401 there is not a reason to go to /login. */
export const PUBLIC_PATHS = ['/login', '/invite'] as const;

const pageLoaders: (() => Promise<unknown>)[] = [];

/**
 * A page of the workspace in its own chunk, fetched the first time it is opened; the sidebar
 * stays and a skeleton stands in meanwhile. The pages seen before signing in are in the main
 * chunk: they are the first thing a signed-out visitor needs.
 */
function lazyPage(load: () => Promise<ComponentType>): ReactNode {
  pageLoaders.push(load);
  const Page = lazy(async () => ({ default: await load() }));
  return (
    <Suspense fallback={<PageSkeleton />}>
      <Page />
    </Suspense>
  );
}

/** Fetches every page's chunk now rather than on first visit (tests wait for them once). */
export function preloadPages(): Promise<unknown> {
  return Promise.all(pageLoaders.map((load) => load()));
}

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  { path: '/invite', element: <AcceptInvitationPage /> },
  {
    element: <RequireSession />,
    children: [
      { index: true, element: <HomeRedirect /> },
      {
        path: 'w/:tenantId',
        element: <AppShell />,
        children: [
          {
            index: true,
            element: lazyPage(() => import('./pages/DashboardPage').then((m) => m.DashboardPage)),
          },
          {
            path: 'agents',
            element: lazyPage(() => import('./pages/agents/AgentsPage').then((m) => m.AgentsPage)),
          },
          {
            path: 'agents/new',
            element: lazyPage(() =>
              import('./pages/agents/NewAgentPage').then((m) => m.NewAgentPage),
            ),
          },
          {
            path: 'agents/:agentId',
            element: lazyPage(() => import('./pages/agents/AgentPage').then((m) => m.AgentPage)),
          },
          {
            path: 'knowledge',
            element: lazyPage(() => import('./pages/KnowledgePage').then((m) => m.KnowledgePage)),
          },
          {
            path: 'ai',
            element: lazyPage(() => import('./pages/AiPage').then((m) => m.AiPage)),
          },
          { path: 'settings', element: <Navigate to="workspace" replace /> },
          {
            path: 'settings/workspace',
            element: lazyPage(() =>
              import('./pages/settings/WorkspaceSettingsPage').then((m) => m.WorkspaceSettingsPage),
            ),
          },
          {
            path: 'settings/feature-flags',
            element: lazyPage(() =>
              import('./pages/settings/FeatureFlagsPage').then((m) => m.FeatureFlagsPage),
            ),
          },
          {
            path: 'settings/members',
            element: lazyPage(() =>
              import('./pages/settings/MembersPage').then((m) => m.MembersPage),
            ),
          },
          {
            path: 'settings/api-keys',
            element: lazyPage(() =>
              import('./pages/settings/ApiKeysPage').then((m) => m.ApiKeysPage),
            ),
          },
        ],
      },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
];
