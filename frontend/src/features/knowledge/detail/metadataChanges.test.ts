import { describe, expect, it } from 'vitest';

import { metadataChanges, metadataOf, normalTags } from './metadataChanges';

const COLLECTION = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const document = { title: 'Price list', collection_id: null, tags: ['faq', 'pricing'] };

describe('metadataChanges', () => {
  it('is null when nothing changed (tags in another order are no change)', () => {
    expect(metadataChanges(document, metadataOf(document))).toBeNull();
    expect(
      metadataChanges(document, { ...metadataOf(document), tags: [' pricing', 'faq', 'faq'] }),
    ).toBeNull();
  });

  it('sends only the changed fields, trimmed', () => {
    expect(
      metadataChanges(document, { ...metadataOf(document), title: '  Price list 2026 ' }),
    ).toEqual({ title: 'Price list 2026' });
    expect(
      metadataChanges(document, { ...metadataOf(document), collectionId: COLLECTION }),
    ).toEqual({ collection_id: COLLECTION });
    expect(metadataChanges(document, { ...metadataOf(document), tags: ['faq'] })).toEqual({
      tags: ['faq'],
    });
  });

  it('takes the document out of its collection with null', () => {
    const filed = { ...document, collection_id: COLLECTION };
    expect(metadataChanges(filed, { ...metadataOf(filed), collectionId: '' })).toEqual({
      collection_id: null,
    });
  });

  it('never sends an empty title', () => {
    expect(metadataChanges(document, { ...metadataOf(document), title: '   ' })).toBeNull();
  });
});

describe('normalTags', () => {
  it('trims, drops empties and duplicates, and sorts', () => {
    expect(normalTags([' b', 'a', '', 'b ', '  '])).toEqual(['a', 'b']);
  });
});
