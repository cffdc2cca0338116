import { Navigate, type RouteObject } from 'react-router-dom';

import { AppShell } from './layout/AppShell';
import { HomeRedirect } from './layout/HomeRedirect';
import { RequireSession } from './layout/RequireSession';
import { AcceptInvitationPage } from './pages/AcceptInvitationPage';
import { AgentPage } from './pages/agents/AgentPage';
import { AgentsPage } from './pages/agents/AgentsPage';
import { NewAgentPage } from './pages/agents/NewAgentPage';
import { AiPage } from './pages/AiPage';
import { DashboardPage } from './pages/DashboardPage';
import { KnowledgePage } from './pages/KnowledgePage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ApiKeysPage } from './pages/settings/ApiKeysPage';
import { FeatureFlagsPage } from './pages/settings/FeatureFlagsPage';
import { MembersPage } from './pages/settings/MembersPage';
import { WorkspaceSettingsPage } from './pages/settings/WorkspaceSettingsPage';

/** Pages anyone may open; a 401 there is not a reason to go to /login. */
export const PUBLIC_PATHS = ['/login', '/invite'] as const;

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
          { index: true, element: <DashboardPage /> },
          { path: 'agents', element: <AgentsPage /> },
          { path: 'agents/new', element: <NewAgentPage /> },
          { path: 'agents/:agentId', element: <AgentPage /> },
          { path: 'knowledge', element: <KnowledgePage /> },
          { path: 'ai', element: <AiPage /> },
          { path: 'settings', element: <Navigate to="workspace" replace /> },
          { path: 'settings/workspace', element: <WorkspaceSettingsPage /> },
          { path: 'settings/feature-flags', element: <FeatureFlagsPage /> },
          { path: 'settings/members', element: <MembersPage /> },
          { path: 'settings/api-keys', element: <ApiKeysPage /> },
        ],
      },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
];
