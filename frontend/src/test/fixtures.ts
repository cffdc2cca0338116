/**
 * Responses shaped exactly like the backend's (typed with the generated schema types, so a
 * change to the API that these no longer match fails `npm run typecheck`).
 */
import type {
  ApiKeyCreated,
  ApiKeyRead,
  FeatureFlags,
  FieldError,
  MemberRead,
  PageApiKeyRead,
  Problem,
  SessionRead,
  TenantRead,
} from '../client';

export const TENANT_ID = '0b5a3f0e-6f1c-4a59-9c59-2f1c0a6d8e01';
export const OTHER_TENANT_ID = '7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6';
export const USER_ID = '5f0c2a1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

export const session: SessionRead = {
  user: { id: USER_ID, email: 'ana@example.com', name: 'Ana Owner' },
  api_key_id: null,
  tenants: [
    { id: TENANT_ID, name: 'Acme Sales', slug: 'acme-sales', role: 'owner' },
    { id: OTHER_TENANT_ID, name: 'Beta Support', slug: 'beta-support', role: 'member' },
  ],
};

export const workspace: TenantRead = {
  id: TENANT_ID,
  name: 'Acme Sales',
  slug: 'acme-sales',
  timezone: 'Europe/Madrid',
  locale: 'es',
  created_at: '2026-01-10T09:00:00Z',
  updated_at: '2026-01-10T09:00:00Z',
};

export const member: MemberRead = {
  id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
  user_id: USER_ID,
  email: 'ana@example.com',
  name: 'Ana Owner',
  role: 'owner',
  created_at: '2026-01-10T09:00:00Z',
};

export function featureFlags(overrides: Record<string, boolean> = {}): FeatureFlags {
  const defaults: [string, string, boolean][] = [
    ['api_keys', 'Admins may create API keys for integrators', true],
    ['member_invitations', 'Admins may invite people to the workspace by link', false],
  ];
  return {
    flags: Object.fromEntries(
      defaults.map(([key, description, byDefault]) => {
        const value = overrides[key] ?? byDefault;
        return [
          key,
          { key, description, enabled: value, default: byDefault, overridden: key in overrides },
        ];
      }),
    ),
  };
}

export const existingKey: ApiKeyRead = {
  id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  name: 'CRM sync',
  prefix: 'ap_live_1a2b',
  scopes: ['workspace:read'],
  created_at: '2026-02-01T10:00:00Z',
  expires_at: null,
  last_used_at: null,
  revoked_at: null,
};

export function apiKeyPage(items: ApiKeyRead[]): PageApiKeyRead {
  return { items, total: items.length, limit: 50, offset: 0 };
}

export function createdKey(name: string, scopes: string[]): ApiKeyCreated {
  return {
    id: '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a',
    name,
    prefix: 'ap_live_9z8y',
    scopes,
    created_at: '2026-03-01T12:00:00Z',
    expires_at: null,
    last_used_at: null,
    revoked_at: null,
    key: 'ap_live_9z8y7x6w5v4u3t2s1r0q-secret-shown-once',
  };
}

/** A problem body as the API's error handlers write it (None fields are left out). */
export function problem(
  status: number,
  code: string,
  title: string,
  extra: { detail?: string; instance?: string; errors?: FieldError[] } = {},
): Problem {
  return {
    type: `urn:agentplatform:problem:${code}`,
    title,
    status,
    request_id: 'b1946ac92492d2347c6235b4d2611184',
    ...extra,
  };
}

export function fieldError(field: string, message: string, code = 'value_error'): FieldError {
  return { field, loc: field.split('.'), message, code };
}
