import { paths } from '../paths';

/** The sections of a workspace, as the sidebar (and the drawer on phones) list them. */
export const NAV = [
  { label: 'Dashboard', to: paths.dashboard },
  { label: 'AI agents', to: paths.agents },
  { label: 'Knowledge base', to: paths.knowledge },
  { label: 'Test chat', to: (tenantId: string) => paths.testChat(tenantId) },
  { label: 'Conversations', to: paths.conversations },
  { label: 'Integrations', to: paths.integrations },
  // Active on every settings tab: the link opens the first one.
  { label: 'Settings', to: (tenantId: string) => `${paths.workspace(tenantId)}/settings` },
] as const;
