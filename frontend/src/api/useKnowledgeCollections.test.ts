import { describe, expect, it } from 'vitest';

import { reindexSummary } from './useKnowledgeCollections';

describe('reindexSummary', () => {
  it('reports what was queued and what was left alone', () => {
    expect(reindexSummary({ queued: 4, busy: 1 })).toBe(
      '4 documents queued; their current passages serve until replaced. 1 document was being indexed already and left alone.',
    );
    expect(reindexSummary({ queued: 1, busy: 0 })).toBe(
      '1 document queued; its current passages serve until replaced.',
    );
    expect(reindexSummary({ queued: 0, busy: 2 })).toBe(
      'Nothing was queued. 2 documents were being indexed already and left alone.',
    );
  });

  it('says when the collection is empty', () => {
    expect(reindexSummary({ queued: 0, busy: 0 })).toBe('The collection has no documents.');
  });
});
