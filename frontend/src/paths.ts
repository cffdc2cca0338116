/**
 * The addresses of the workspace's pages, in one place: links and redirects are built here so
 * that a page that moves moves everywhere at once (and `legacyPath` keeps the old ones working).
 */

const base = (tenantId: string) => `/manage/${encodeURIComponent(tenantId)}`;

/** The tabs of a workspace's settings, in the order the settings page shows them. */
export const SETTINGS_TABS = ['workspace', 'members', 'api-keys', 'feature-flags', 'ai'] as const;
export type SettingsTab = (typeof SETTINGS_TABS)[number];

export const paths = {
  workspace: (tenantId: string) => base(tenantId),
  dashboard: (tenantId: string) => `${base(tenantId)}/dashboard`,
  agents: (tenantId: string) => `${base(tenantId)}/ai-agents`,
  newAgent: (tenantId: string) => `${base(tenantId)}/ai-agents/new`,
  agent: (tenantId: string, agentId: string) =>
    `${base(tenantId)}/ai-agents/${encodeURIComponent(agentId)}`,
  knowledge: (tenantId: string) => `${base(tenantId)}/knowledge-base`,
  integrations: (tenantId: string) => `${base(tenantId)}/integrations`,
  /** The test chat, with one agent picked (the first one otherwise). */
  testChat: (tenantId: string, agentId?: string) =>
    `${base(tenantId)}/test-chat${agentId ? `?agent=${encodeURIComponent(agentId)}` : ''}`,
  conversations: (tenantId: string) => `${base(tenantId)}/conversations`,
  conversation: (tenantId: string, conversationId: string) =>
    `${base(tenantId)}/conversations/${encodeURIComponent(conversationId)}`,
  settings: (tenantId: string, tab: SettingsTab = 'workspace') =>
    `${base(tenantId)}/settings/${tab}`,
};

/** Where the first path segments after `/w/:tenantId` live now (`/w/…` was the first layout). */
const LEGACY_SECTIONS = new Map([
  ['agents', 'ai-agents'],
  ['knowledge', 'knowledge-base'],
  ['ai', 'settings/ai'],
]);

/**
 * The page an old `/w/:tenantId/...` address names today (search and hash are the caller's to
 * keep), or null for a path that is not one of those.
 */
export function legacyPath(pathname: string): string | null {
  const match = /^\/w\/([^/]+)(?:\/(.*))?$/.exec(pathname);
  if (!match?.[1]) return null;
  const [section = '', ...rest] = (match[2] ?? '').split('/').filter(Boolean);
  const target = section === '' ? 'dashboard' : (LEGACY_SECTIONS.get(section) ?? section);
  return [`/manage/${match[1]}`, target, ...rest].join('/');
}

/**
 * The same page in another workspace: the section (and settings tab) are kept, what belongs to
 * one workspace (an agent's id, a document in the URL) is not.
 */
export function samePageIn(pathname: string, tenantId: string): string {
  const [, manage, , section, tab] = pathname.split('/');
  if (manage !== 'manage' || !section) return paths.dashboard(tenantId);
  const kept = section === 'settings' && tab ? `settings/${tab}` : section;
  return `${base(tenantId)}/${kept}`;
}
