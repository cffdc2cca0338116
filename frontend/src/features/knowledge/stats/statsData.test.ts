import { describe, expect, it } from 'vitest';

import { statusCounts, statusGroups } from './statsData';

describe('statusCounts', () => {
  it('lists every status in indexing order, 0 for missing ones', () => {
    expect(statusCounts({ ready: 5, failed: 1 }).map((c) => [c.status, c.count])).toEqual([
      ['queued', 0],
      ['parsing', 0],
      ['chunking', 0],
      ['embedding', 0],
      ['ready', 5],
      ['failed', 1],
    ]);
  });
});

describe('statusGroups', () => {
  it('groups the statuses into ready, indexing and failed', () => {
    expect(
      statusGroups({ queued: 1, parsing: 2, chunking: 0, embedding: 4, ready: 10, failed: 3 }),
    ).toEqual({ ready: 10, indexing: 7, failed: 3, total: 20 });
    expect(statusGroups({})).toEqual({ ready: 0, indexing: 0, failed: 0, total: 0 });
  });
});
