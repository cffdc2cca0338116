import type { ProviderKind } from '../../client';

export const PROVIDER_KINDS: readonly {
  value: ProviderKind;
  label: string;
  defaultBaseUrl: string | null;
}[] = [
  { value: 'openai', label: 'OpenAI', defaultBaseUrl: 'https://api.openai.com/v1' },
  { value: 'openrouter', label: 'OpenRouter', defaultBaseUrl: 'https://openrouter.ai/api/v1' },
  { value: 'compatible', label: 'OpenAI-compatible server', defaultBaseUrl: null },
];

const OTHER_KINDS: Record<string, string> = {
  local: 'Local models',
  offline: 'Offline responder',
};

export function kindLabel(kind: string): string {
  return PROVIDER_KINDS.find((k) => k.value === kind)?.label ?? OTHER_KINDS[kind] ?? kind;
}

/** "•••• 1234" for a stored key (only its last four characters ever leave the server). */
export function maskedKey(provider: { has_api_key: boolean; api_key_last_four: string }): string {
  if (!provider.has_api_key) return 'no key';
  return `•••• ${provider.api_key_last_four}`;
}
