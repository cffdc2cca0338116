import { describe, expect, it } from 'vitest';

import {
  documentSource,
  formatBytes,
  formatCount,
  indexingStep,
  isDocumentStatus,
  pageRange,
  tagProblem,
} from './labels';

describe('formatBytes', () => {
  it('uses bytes below a kilobyte and one decimal above', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(48_213)).toBe('47.1 KB');
    expect(formatBytes(3 * 1024 ** 2)).toBe('3.0 MB');
    expect(formatBytes(1.25 * 1024 ** 3)).toBe('1.3 GB');
    expect(formatBytes(2 * 1024 ** 4)).toBe('2.0 TB');
  });

  it('stays in terabytes for anything larger', () => {
    expect(formatBytes(3 * 1024 ** 5)).toBe('3072.0 TB');
  });
});

describe('formatCount', () => {
  it('writes small counts in full and large ones compactly', () => {
    expect(formatCount(950)).toBe('950');
    expect(formatCount(12_345)).toBe('12.3K');
    expect(formatCount(4_500_000)).toBe('4.5M');
  });
});

describe('indexingStep', () => {
  it('counts the steps after the queue and clamps the progress', () => {
    expect(indexingStep({ status: 'queued', progress: 0 })).toEqual({ step: 0, of: 3, percent: 0 });
    expect(indexingStep({ status: 'parsing', progress: 0.333 })).toEqual({
      step: 1,
      of: 3,
      percent: 33,
    });
    expect(indexingStep({ status: 'embedding', progress: 1.7 })).toEqual({
      step: 3,
      of: 3,
      percent: 100,
    });
    expect(indexingStep({ status: 'chunking', progress: -1 })?.percent).toBe(0);
  });

  it('is null once indexing is over', () => {
    expect(indexingStep({ status: 'ready', progress: 1 })).toBeNull();
    expect(indexingStep({ status: 'failed', progress: 0.4 })).toBeNull();
  });
});

describe('pageRange', () => {
  it('says one page, a range, or nothing', () => {
    expect(pageRange(null, null)).toBeNull();
    expect(pageRange(4, null)).toBe('p. 4');
    expect(pageRange(4, 4)).toBe('p. 4');
    expect(pageRange(2, 3)).toBe('pp. 2–3');
  });
});

describe('documentSource', () => {
  it('names the file, the URL or pasted text', () => {
    expect(documentSource({ source_kind: 'upload', filename: 'a.pdf', source_url: null })).toBe(
      'a.pdf',
    );
    expect(
      documentSource({ source_kind: 'url', filename: null, source_url: 'https://x.test/p' }),
    ).toBe('https://x.test/p');
    expect(documentSource({ source_kind: 'text', filename: null, source_url: null })).toBe(
      'Pasted text',
    );
  });
});

describe('isDocumentStatus and tagProblem', () => {
  it('knows the statuses', () => {
    expect(isDocumentStatus('embedding')).toBe(true);
    expect(isDocumentStatus('indexing')).toBe(false);
  });

  it('refuses tags the API would refuse', () => {
    expect(tagProblem('pricing', [])).toBeNull();
    expect(tagProblem('x'.repeat(65), [])).toMatch(/at most 64 characters/);
    expect(
      tagProblem(
        'one more',
        Array.from({ length: 20 }, (_, i) => `t${i}`),
      ),
    ).toMatch(/at most 20 tags/);
  });
});
