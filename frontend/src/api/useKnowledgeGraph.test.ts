import { describe, expect, it } from 'vitest';

import { entityListQuery, isExtracting } from './useKnowledgeGraph';
import { isReembedding } from './useKnowledgeIndex';

describe('entityListQuery', () => {
  it('leaves unset filters out', () => {
    expect(entityListQuery({ q: '', type: '', limit: 20, offset: 0 })).toEqual({
      limit: 20,
      offset: 0,
    });
    expect(entityListQuery({ q: 'acme', type: 'organization', limit: 20, offset: 40 })).toEqual({
      limit: 20,
      offset: 40,
      q: 'acme',
      type: 'organization',
    });
  });
});

describe('what changes on its own', () => {
  it('follows queued and running extractions only', () => {
    expect(isExtracting({ status: 'queued' })).toBe(true);
    expect(isExtracting({ status: 'running' })).toBe(true);
    expect(isExtracting({ status: 'ready' })).toBe(false);
    expect(isExtracting({ status: 'failed' })).toBe(false);
    expect(isExtracting({ status: null })).toBe(false);
  });

  it('follows an index while it is building only', () => {
    expect(isReembedding({ state: 'building' })).toBe(true);
    expect(isReembedding({ state: 'ready' })).toBe(false);
    expect(isReembedding({ state: 'failed' })).toBe(false);
  });
});
