import { describe, expect, it } from 'vitest';

import { isIndexing } from './useKnowledge';
import { indexingCount } from './useKnowledgeStats';

describe('what is still being indexed', () => {
  it('counts queued and in-progress documents, not ready or failed ones', () => {
    expect(
      indexingCount({
        documents_by_status: {
          queued: 2,
          parsing: 1,
          chunking: 0,
          embedding: 3,
          ready: 9,
          failed: 4,
        },
      }),
    ).toBe(6);
    expect(indexingCount({ documents_by_status: { ready: 1 } })).toBe(0);
  });

  it('treats every status but ready and failed as indexing', () => {
    expect(isIndexing({ status: 'queued' })).toBe(true);
    expect(isIndexing({ status: 'embedding' })).toBe(true);
    expect(isIndexing({ status: 'ready' })).toBe(false);
    expect(isIndexing({ status: 'failed' })).toBe(false);
  });
});
