import type {
  KommoStatus,
  PagePipelineRead,
  PageSyncRunRead,
  PageWebhookEventRead,
  PipelineRead,
  SlackStatus,
  SyncRunRead,
  WebhookEventRead,
} from '../client';

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

export function syncRun(overrides: Partial<SyncRunRead> = {}): SyncRunRead {
  return {
    id: '4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8',
    kind: 'pipelines',
    status: 'done',
    reason: 'connect',
    attempts: 1,
    last_error: null,
    started_at: '2026-03-01T12:00:00Z',
    finished_at: '2026-03-01T12:00:05Z',
    created_count: 2,
    updated_count: 0,
    deleted_count: 0,
    progress_done: 2,
    progress_total: 2,
    created_at: '2026-03-01T12:00:00Z',
    updated_at: '2026-03-01T12:00:05Z',
    ...overrides,
  };
}

export function syncPage(items: SyncRunRead[]): PageSyncRunRead {
  return { items, total: items.length, limit: 40, offset: 0 };
}

export const salesPipeline: PipelineRead = {
  kommo_id: 7001,
  name: 'Sales',
  sort: 1,
  is_main: true,
  is_archive: false,
  is_unsorted_on: true,
  statuses: [
    {
      kommo_id: 1,
      name: 'Incoming leads',
      sort: 10,
      color: '#c1c1c1',
      type: 1,
      is_editable: false,
    },
    { kommo_id: 2, name: 'First contact', sort: 20, color: '#99ccff', type: 0, is_editable: true },
    { kommo_id: 142, name: 'Won', sort: 10000, color: '#ccff66', type: 0, is_editable: false },
  ],
};

export function pipelinePage(items: PipelineRead[]): PagePipelineRead {
  return { items, total: items.length, limit: 200, offset: 0 };
}

export const slackNotConfigured: SlackStatus = { configured: false };

export function webhookEvent(overrides: Partial<WebhookEventRead> = {}): WebhookEventRead {
  return {
    id: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
    kind: 'message.add',
    entity_type: 'talk',
    entity_id: '191',
    own: false,
    status: 'processed',
    deliveries: 1,
    attempts: 1,
    detail: 'The agent answers',
    last_error: null,
    received_at: '2026-03-01T12:00:00Z',
    processed_at: '2026-03-01T12:00:02Z',
    ...overrides,
  };
}

export function eventPage(items: WebhookEventRead[], total = items.length): PageWebhookEventRead {
  return { items, total, limit: 20, offset: 0 };
}
