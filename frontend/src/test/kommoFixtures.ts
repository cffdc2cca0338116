import type { KommoStatus } from '../client';

export const KOMMO_WEBHOOK_URL =
  'https://agents.example.com/api/v1/integrations/kommo/webhooks/wh_3f9a1c2b7d8e4f60a1b2c3d4e5f60718';

/** The status route's answer for a workspace, connected through OAuth unless `overrides` say. */
export function kommoStatus(overrides: Partial<KommoStatus> = {}): KommoStatus {
  return {
    state: 'connected',
    oauth_available: true,
    auth_kind: 'oauth',
    account_id: 31_415_926,
    subdomain: 'acme',
    base_url: 'https://acme.kommo.com',
    access_expires_at: '2099-01-01T00:00:00Z',
    webhook_url: KOMMO_WEBHOOK_URL,
    webhooks_registered_at: '2026-03-01T12:00:00Z',
    last_error: null,
    ...overrides,
  };
}

export function kommoNotConnected(oauthAvailable = true): KommoStatus {
  return { state: 'not_connected', oauth_available: oauthAvailable };
}
