import { describe, expect, it } from 'vitest';

import { endpointLabel, isLocalModel, rebuildCost, reembedProgress, sameModel } from './indexData';

const local = { model: 'local/all-MiniLM-L6-v2', endpoint: null };
const openai = { model: 'text-embedding-3-small', endpoint: 'openai https://api.openai.com/v1' };

describe('embedding models', () => {
  it('knows the local model by its missing endpoint', () => {
    expect(isLocalModel(local)).toBe(true);
    expect(isLocalModel(openai)).toBe(false);
  });

  it('compares model and endpoint', () => {
    expect(sameModel(openai, { ...openai })).toBe(true);
    expect(sameModel(openai, { ...openai, endpoint: 'compatible http://gpu.local/v1' })).toBe(
      false,
    );
    expect(sameModel(local, { ...local, model: 'other' })).toBe(false);
  });

  it('names the provider and host behind an endpoint', () => {
    expect(endpointLabel(openai)).toBe('OpenAI at api.openai.com');
    expect(endpointLabel({ endpoint: 'compatible http://ollama.local:11434/v1' })).toBe(
      'OpenAI-compatible server at ollama.local:11434',
    );
    expect(endpointLabel({ endpoint: 'openrouter' })).toBe('OpenRouter');
    expect(endpointLabel({ endpoint: 'custom not a url' })).toBe('custom at not a url');
    expect(endpointLabel(local)).toBeNull();
  });
});

describe('reembedProgress', () => {
  it('clamps the counts and the share', () => {
    expect(reembedProgress({ chunks_done: 40, chunks_total: 160, progress: 0.25 })).toEqual({
      done: 40,
      total: 160,
      percent: 25,
    });
    expect(reembedProgress({ chunks_done: 170, chunks_total: 160, progress: 1.2 })).toEqual({
      done: 160,
      total: 160,
      percent: 100,
    });
    expect(reembedProgress({ chunks_done: -1, chunks_total: 0, progress: -0.5 })).toEqual({
      done: 0,
      total: 0,
      percent: 0,
    });
  });
});

describe('rebuildCost', () => {
  it('says the local model is free and a provider’s costs tokens', () => {
    expect(rebuildCost(local)).toMatch(/costs no provider tokens/);
    expect(rebuildCost(openai, 12_345)).toBe(
      "text-embedding-3-small is a provider's model: every passage is sent to OpenAI at api.openai.com again, which costs about 12,345 tokens and counts toward the monthly budget.",
    );
    expect(rebuildCost(openai)).toMatch(/costs tokens for every passage/);
  });
});
