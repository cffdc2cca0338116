import { describe, expect, it } from 'vitest';

import { documentListQuery } from '../../../api/useKnowledge';
import { knowledgeDocumentPath } from '../links';
import { listParamsOf, readKnowledgeUrl, writeKnowledgeUrl } from './listParams';

const COLLECTION = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const DOCUMENT = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';

describe('readKnowledgeUrl', () => {
  it('reads every filter, the page and the open document', () => {
    const state = readKnowledgeUrl(
      new URLSearchParams(
        `q=+price+&status=failed&collection=${COLLECTION}&tag=faq&offset=50&document=${DOCUMENT}`,
      ),
    );
    expect(state).toEqual({
      q: 'price',
      status: 'failed',
      collection: COLLECTION,
      tag: 'faq',
      offset: 50,
      document: DOCUMENT,
    });
  });

  it('reads what the API would refuse as unset', () => {
    expect(
      readKnowledgeUrl(new URLSearchParams('status=indexing&collection=nope&offset=-5&document=1')),
    ).toEqual({ q: '', status: '', collection: '', tag: '', offset: 0, document: '' });
    expect(readKnowledgeUrl(new URLSearchParams('offset=abc')).offset).toBe(0);
  });
});

describe('writeKnowledgeUrl', () => {
  it('drops empty values and goes back to the first page when a filter changes', () => {
    const current = new URLSearchParams(`q=price&offset=25&document=${DOCUMENT}`);
    const next = writeKnowledgeUrl(current, { tag: 'faq', q: '' });
    expect(next.toString()).toBe(`document=${DOCUMENT}&tag=faq`);
  });

  it('keeps the page when only the page or the open document changes', () => {
    const current = new URLSearchParams('q=price&offset=25');
    expect(writeKnowledgeUrl(current, { document: DOCUMENT }).get('offset')).toBe('25');
    expect(writeKnowledgeUrl(current, { offset: 50 }).get('offset')).toBe('50');
    expect(writeKnowledgeUrl(current, { q: 'price' }).get('offset')).toBe('25');
    expect(writeKnowledgeUrl(current, { offset: 0 }).has('offset')).toBe(false);
  });

  it('does not change the URL it was given', () => {
    const current = new URLSearchParams('q=price');
    writeKnowledgeUrl(current, { q: 'other' });
    expect(current.toString()).toBe('q=price');
  });
});

describe('filters to the API query', () => {
  it('leaves unset filters out and names the collection as the API does', () => {
    const state = readKnowledgeUrl(new URLSearchParams(`collection=${COLLECTION}&tag=faq`));
    expect(documentListQuery(listParamsOf(state))).toEqual({
      limit: 25,
      offset: 0,
      collection_id: COLLECTION,
      tag: 'faq',
    });
    expect(documentListQuery(listParamsOf(readKnowledgeUrl(new URLSearchParams())))).toEqual({
      limit: 25,
      offset: 0,
    });
    expect(
      documentListQuery(listParamsOf(readKnowledgeUrl(new URLSearchParams('q=a&status=ready')))),
    ).toEqual({ limit: 25, offset: 0, q: 'a', status: 'ready' });
  });
});

describe('knowledgeDocumentPath', () => {
  it('opens the knowledge page with the document in its drawer', () => {
    expect(knowledgeDocumentPath('t1', DOCUMENT)).toBe(
      `/manage/t1/knowledge-base?document=${DOCUMENT}`,
    );
  });
});
