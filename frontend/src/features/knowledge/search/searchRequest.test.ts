import { describe, expect, it } from 'vitest';

import { rankSummary, relevance, searchRequest, type SearchForm } from './searchRequest';

const COLLECTION = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const form: SearchForm = { query: '', mode: 'hybrid', limit: 10, collectionIds: [], tags: [] };

describe('searchRequest', () => {
  it('is null without a query', () => {
    expect(searchRequest({ ...form, query: '   ' })).toBeNull();
  });

  it('leaves unset filters out (an empty list would match nothing)', () => {
    expect(searchRequest({ ...form, query: ' refund policy ', mode: 'text' })).toEqual({
      query: 'refund policy',
      mode: 'text',
      limit: 10,
    });
  });

  it('sends the chosen collections and tags', () => {
    expect(
      searchRequest({
        ...form,
        query: 'refund',
        limit: 20,
        collectionIds: [COLLECTION, COLLECTION],
        tags: ['faq ', 'billing'],
      }),
    ).toEqual({
      query: 'refund',
      mode: 'hybrid',
      limit: 20,
      collection_ids: [COLLECTION],
      tags: ['billing', 'faq'],
    });
  });
});

describe('rankSummary', () => {
  it('says which legs of the search found the passage', () => {
    expect(rankSummary({ text_rank: 1, vector_rank: 3 })).toBe('#1 by words · #3 by meaning');
    expect(rankSummary({ text_rank: null, vector_rank: 2 })).toBe('#2 by meaning');
    expect(rankSummary({ text_rank: null, vector_rank: null })).toBe('');
  });
});

describe('relevance', () => {
  it('reads a fused score as a share of the best hit', () => {
    expect(relevance(0.0164, 0.0164)).toBe(100);
    expect(relevance(0.0161, 0.0164)).toBe(98);
    expect(relevance(0.0082, 0.0164)).toBe(50);
    expect(relevance(0.5, 0)).toBe(0);
  });
});
