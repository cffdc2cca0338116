import { lazy, Suspense, type ComponentType } from 'react';
import { Navigate, type RouteObject } from 'react-router-dom';

import { PageSkeleton } from './components/Skeleton';
import { AppShell } from './layout/AppShell';
import { crumb, type CrumbKey } from './layout/crumbs';
import { HomeRedirect } from './layout/HomeRedirect';
import { LegacyRedirect } from './layout/LegacyRedirect';
import { RequireSession } from './layout/RequireSession';
import { RouteError } from './layout/RouteError';
import { AcceptInvitationPage } from './pages/AcceptInvitationPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';

/** Pages anyone may open; a 401 there is not a reason to go to /login. */
export const PUBLIC_PATHS = ['/login', '/invite'] as const;

const pageLoaders: (() => Promise<unknown>)[] = [];

/**
 * A page of the workspace: its code in its own chunk, fetched the first time it is opened (the
 * shell stays and a skeleton stands in meanwhile), its breadcrumb, and its own error boundary,
 * so a page that fails leaves the shell and the other pages working. The pages seen before
 * signing in are in the main chunk: they are the first thing a signed-out visitor needs.
 */
function page(
  path: string | null,
  key: CrumbKey | null,
  load: () => Promise<ComponentType>,
  children?: RouteObject[],
): RouteObject {
  pageLoaders.push(load);
  const Page = lazy(async () => ({ default: await load() }));
  const shared = {
    ...(key ? { handle: crumb(key) } : {}),
    errorElement: <RouteError />,
    element: (
      <Suspense fallback={<PageSkeleton />}>
        <Page />
      </Suspense>
    ),
  };
  return path === null ? { ...shared, index: true } : { ...shared, path, children };
}

/** Fetches every page's chunk now rather than on first visit (tests wait for them once). */
export function preloadPages(): Promise<unknown> {
  return Promise.all(pageLoaders.map((load) => load()));
}

const settingsPages: RouteObject[] = [
  { index: true, element: <Navigate to="workspace" replace /> },
  page('workspace', 'workspace', () =>
    import('./pages/settings/WorkspaceSettingsPage').then((m) => m.WorkspaceSettingsPage),
  ),
  page('members', 'members', () =>
    import('./pages/settings/MembersPage').then((m) => m.MembersPage),
  ),
  page('api-keys', 'apiKeys', () =>
    import('./pages/settings/ApiKeysPage').then((m) => m.ApiKeysPage),
  ),
  page('feature-flags', 'featureFlags', () =>
    import('./pages/settings/FeatureFlagsPage').then((m) => m.FeatureFlagsPage),
  ),
  page('ai', 'ai', () => import('./pages/AiPage').then((m) => m.AiPage)),
  { path: '*', handle: crumb('notFound'), element: <NotFoundPage inShell /> },
];

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage />, errorElement: <RouteError fullPage /> },
  { path: '/invite', element: <AcceptInvitationPage />, errorElement: <RouteError fullPage /> },
  // The first layout's addresses: bookmarks and links sent around keep working.
  { path: '/w/*', element: <LegacyRedirect />, errorElement: <RouteError fullPage /> },
  {
    element: <RequireSession />,
    errorElement: <RouteError fullPage />,
    children: [
      { index: true, element: <HomeRedirect /> },
      { path: 'manage', element: <HomeRedirect /> },
      {
        path: 'manage/:tenantId',
        element: <AppShell />,
        children: [
          {
            errorElement: <RouteError />,
            children: [
              { index: true, element: <Navigate to="dashboard" replace /> },
              page('dashboard', 'dashboard', () =>
                import('./pages/DashboardPage').then((m) => m.DashboardPage),
              ),
              {
                path: 'ai-agents',
                handle: crumb('agents'),
                children: [
                  page(null, null, () =>
                    import('./pages/agents/AgentsPage').then((m) => m.AgentsPage),
                  ),
                  page('new', 'newAgent', () =>
                    import('./pages/agents/NewAgentPage').then((m) => m.NewAgentPage),
                  ),
                  page(':agentId', 'agent', () =>
                    import('./pages/agents/AgentPage').then((m) => m.AgentPage),
                  ),
                ],
              },
              page('knowledge-base', 'knowledge', () =>
                import('./pages/KnowledgePage').then((m) => m.KnowledgePage),
              ),
              page('test-chat', 'testChat', () =>
                import('./pages/TestChatPage').then((m) => m.TestChatPage),
              ),
              {
                path: 'conversations',
                handle: crumb('conversations'),
                children: [
                  page(null, null, () =>
                    import('./pages/conversations/ConversationsPage').then(
                      (m) => m.ConversationsPage,
                    ),
                  ),
                  page(':conversationId', 'conversation', () =>
                    import('./pages/conversations/ConversationPage').then(
                      (m) => m.ConversationPage,
                    ),
                  ),
                ],
              },
              page('integrations', 'integrations', () =>
                import('./pages/IntegrationsPage').then((m) => m.IntegrationsPage),
              ),
              page(
                'settings',
                'settings',
                () => import('./pages/settings/SettingsLayout').then((m) => m.SettingsLayout),
                settingsPages,
              ),
              { path: '*', handle: crumb('notFound'), element: <NotFoundPage inShell /> },
            ],
          },
        ],
      },
    ],
  },
  { path: '*', element: <NotFoundPage />, errorElement: <RouteError fullPage /> },
];
