/**
 * What a route shows in the breadcrumbs, named in its `handle` (`handle: crumb('agents')`).
 * `agent` stands for the agent's name, which the breadcrumbs look up.
 */
export const CRUMB_LABELS = {
  dashboard: 'Dashboard',
  agents: 'AI agents',
  newAgent: 'New agent',
  agent: 'Agent',
  knowledge: 'Knowledge base',
  testChat: 'Test chat',
  conversations: 'Conversations',
  conversation: 'Conversation',
  integrations: 'Integrations',
  settings: 'Settings',
  workspace: 'Workspace',
  members: 'Members',
  apiKeys: 'API keys',
  featureFlags: 'Feature flags',
  ai: 'AI providers',
  notFound: 'Page not found',
} as const;

export type CrumbKey = keyof typeof CRUMB_LABELS;

export function crumb(key: CrumbKey): { crumb: CrumbKey } {
  return { crumb: key };
}

function isCrumbKey(key: unknown): key is CrumbKey {
  return typeof key === 'string' && Object.hasOwn(CRUMB_LABELS, key);
}

/** The crumb a route's `handle` names, if it names one. */
export function crumbOf(handle: unknown): CrumbKey | null {
  if (typeof handle !== 'object' || handle === null || !('crumb' in handle)) return null;
  return isCrumbKey(handle.crumb) ? handle.crumb : null;
}
