/** The workspace AI endpoints' responses, as the API shapes them. */
import type {
  AiHealth,
  AiSettingsRead,
  ModelList,
  ProviderRead,
  UsageDay,
  UsageReport,
} from '../client';

export const PROVIDER_ID = '6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f';

export const provider: ProviderRead = {
  id: PROVIDER_ID,
  name: 'OpenAI production',
  kind: 'openai',
  base_url: 'https://api.openai.com/v1',
  has_api_key: true,
  api_key_last_four: '1234',
  created_at: '2026-02-01T10:00:00Z',
  updated_at: '2026-02-01T10:00:00Z',
};

export const keylessProvider: ProviderRead = {
  id: '7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a',
  name: 'Office Ollama',
  kind: 'compatible',
  base_url: 'http://ollama.local:11434/v1',
  has_api_key: false,
  api_key_last_four: '',
  created_at: '2026-02-02T10:00:00Z',
  updated_at: '2026-02-02T10:00:00Z',
};

/** No provider anywhere: chat from the offline responder, embeddings from the local model. */
export const offlineSettings: AiSettingsRead = {
  chat_provider_id: null,
  chat_model: null,
  embedding_provider_id: null,
  embedding_model: null,
  monthly_token_budget: null,
  tokens_used_this_month: 0,
  chat: {
    provider: 'offline',
    kind: 'offline',
    model: 'offline/extractive-v1',
    source: 'offline',
    offline: true,
  },
  embeddings: {
    provider: 'local',
    kind: 'local',
    model: 'local/all-MiniLM-L6-v2',
    source: 'offline',
    offline: true,
  },
};

export const offlineHealth: AiHealth = {
  providers: [
    {
      provider: 'local',
      kind: 'local',
      source: 'local',
      ok: true,
      latency_ms: 12,
      detail: 'local/all-MiniLM-L6-v2 and the offline responder (offline/extractive-v1) are ready',
      model_count: 2,
    },
  ],
  offline_mode: true,
};

export const localModels: ModelList = {
  models: [
    {
      id: 'offline/extractive-v1',
      provider: 'offline',
      kind: 'offline',
      source: 'local',
      offline: true,
    },
    {
      id: 'local/all-MiniLM-L6-v2',
      provider: 'local',
      kind: 'local',
      source: 'local',
      offline: true,
    },
  ],
  errors: {},
};

export function usageReport(days: UsageDay[], budget: number | null = null): UsageReport {
  const total = days.reduce((sum, d) => sum + d.tokens_in + d.tokens_out, 0);
  return { days, tokens_this_month: total, monthly_token_budget: budget };
}

export function usageDay(day: string, tokensIn: number, tokensOut: number): UsageDay {
  return {
    day,
    provider: 'offline',
    billable: false,
    model: 'offline/extractive-v1',
    operation: 'chat',
    calls: 2,
    errors: 0,
    tokens_in: tokensIn,
    tokens_out: tokensOut,
    avg_latency_ms: 4,
  };
}
