import { describe, expect, it } from 'vitest';

import { collectionChanges } from './collectionChanges';

const collection = { name: 'Pricing', description: '' };

describe('collectionChanges', () => {
  it('is null when nothing changed but spaces', () => {
    expect(collectionChanges(collection, { name: ' Pricing ', description: ' ' })).toBeNull();
  });

  it('sends only what changed', () => {
    expect(collectionChanges(collection, { name: 'Prices', description: '' })).toEqual({
      name: 'Prices',
    });
    expect(collectionChanges(collection, { name: 'Pricing', description: 'Plans' })).toEqual({
      description: 'Plans',
    });
  });
});
