import type { ApiKeyCreate } from '../../client';

/** A scope the API knows (the API lists every domain's scopes in its schema). */
export type Scope = ApiKeyCreate['scopes'][number];

/**
 * The scopes an API key may hold, with what each allows. The API refuses `api_keys:write` and
 * `members:write` for keys (a key never mints keys or changes who belongs to the workspace).
 */
export const GRANTABLE_SCOPES: readonly { value: Scope; label: string }[] = [
  { value: 'workspace:read', label: 'Read workspace settings and feature flags' },
  { value: 'workspace:write', label: 'Change workspace settings and feature flags' },
  { value: 'members:read', label: 'List members and invitations' },
  { value: 'api_keys:read', label: 'List API keys' },
];
