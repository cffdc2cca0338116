import { describe, expect, it } from 'vitest';

import { offlineSettings } from '../test/aiFixtures';
import { embeddingModelChanged } from './useAiSettings';

const local = offlineSettings.embeddings;
const openai = { provider: 'OpenAI production', kind: 'openai', model: 'text-embedding-3-small' };

describe('embeddingModelChanged', () => {
  it('is false when the same model embeds, whatever else changed', () => {
    expect(embeddingModelChanged(local, { ...local })).toBe(false);
    expect(embeddingModelChanged(openai, { ...openai })).toBe(false);
  });

  it('is true for another model or another provider', () => {
    expect(embeddingModelChanged(local, openai)).toBe(true);
    expect(embeddingModelChanged(openai, { ...openai, model: 'text-embedding-3-large' })).toBe(
      true,
    );
    expect(embeddingModelChanged(openai, { ...openai, provider: 'Office Ollama' })).toBe(true);
  });
});
