import { describe, expect, it } from 'vitest';

import { acmeDetail, ACME_ID, BRACKET_ID } from '../../../test/knowledgeFixtures';
import {
  chunkMentionLabel,
  extractBlocker,
  extractionStatusInfo,
  factObject,
  mentionSummary,
  neighbourhood,
  predicateLabel,
  radialLayout,
  truncate,
} from './graphData';

const link = (id: string, name: string) => ({ id, name, type: 'product' as const });
const base = acmeDetail.relations[0]!;

describe('neighbourhood', () => {
  it('collects the linked entities with their predicates and directions, values left out', () => {
    const { neighbours, hidden } = neighbourhood(acmeDetail);
    expect(hidden).toBe(0);
    expect(neighbours.map((n) => [n.name, n.predicates, n.outgoing, n.incoming, n.facts])).toEqual([
      ['Ana Pérez', ['works for'], false, true, 1],
      ['Bracket X', ['supplies'], true, false, 1],
    ]);
  });

  it('merges facts about the same entity, most facts first, and caps the count', () => {
    const relations = [
      { ...base, id: 'r1', predicate: 'supplies', object: link('b', 'Bolt') },
      { ...base, id: 'r2', predicate: 'supplies', object: link('a', 'Anchor') },
      { ...base, id: 'r3', predicate: 'repairs', object: link('a', 'Anchor') },
      {
        ...base,
        id: 'r4',
        direction: 'incoming' as const,
        predicate: 'is_a',
        subject: link('a', 'Anchor'),
        object: link(ACME_ID, 'Acme Corp'),
      },
      { ...base, id: 'r5', predicate: 'supplies', object: link('c', 'Clamp') },
      // About itself: no other entity to draw.
      { ...base, id: 'r6', predicate: 'same_as', object: link(ACME_ID, 'Acme Corp') },
    ];
    const { neighbours, hidden } = neighbourhood({ id: ACME_ID, relations }, 2);
    expect(neighbours.map((n) => n.name)).toEqual(['Anchor', 'Bolt']);
    expect(neighbours[0]).toMatchObject({
      predicates: ['supplies', 'repairs', 'is a'],
      outgoing: true,
      incoming: true,
      facts: 3,
    });
    expect(hidden).toBe(1);
  });

  it('is empty for an entity with value facts only', () => {
    expect(
      neighbourhood({ id: ACME_ID, relations: [acmeDetail.relations[1]!] }).neighbours,
    ).toEqual([]);
  });
});

describe('radialLayout', () => {
  it('spreads the points evenly, clockwise from the top', () => {
    expect(radialLayout(4, 100, 100, 50).map(({ x, y }) => [x, y])).toEqual([
      [100, 50],
      [150, 100],
      [100, 150],
      [50, 100],
    ]);
    expect(radialLayout(0, 0, 0, 10)).toEqual([]);
  });
});

describe('labels', () => {
  it('reads predicates, objects, statuses and counts', () => {
    expect(predicateLabel('shipping_time_days')).toBe('shipping time days');
    expect(factObject(acmeDetail.relations[0]!)).toBe('Bracket X');
    expect(factObject(acmeDetail.relations[1]!)).toBe('2 years');
    expect(extractionStatusInfo(null)).toEqual({ label: 'Not extracted yet', tone: 'neutral' });
    expect(extractionStatusInfo('running').label).toBe('Extracting');
    expect(extractionStatusInfo('failed').tone).toBe('danger');
    expect(mentionSummary({ mention_count: 1, document_count: 1 })).toBe('1 mention in 1 document');
    expect(mentionSummary({ mention_count: 7, document_count: 2 })).toBe(
      '7 mentions in 2 documents',
    );
    expect(chunkMentionLabel({ chunk_id: BRACKET_ID, chunk_index: 2, count: 1 })).toBe('passage 3');
    expect(chunkMentionLabel({ chunk_id: null, chunk_index: null, count: 4 })).toBe(
      'a passage being reindexed (×4)',
    );
  });

  it('truncates long names with an ellipsis', () => {
    expect(truncate('Acme', 10)).toBe('Acme');
    expect(truncate('Acme Corporation International', 10)).toBe('Acme Corp…');
  });
});

describe('extractBlocker', () => {
  it('allows extracting an indexed document that is not being extracted', () => {
    expect(extractBlocker({ status: 'ready', chunk_count: 3 }, { status: 'ready' })).toBeNull();
    expect(extractBlocker({ status: 'failed', chunk_count: 3 }, { status: null })).toBeNull();
  });

  it('says why not otherwise, as the API would refuse', () => {
    expect(extractBlocker({ status: 'embedding', chunk_count: 3 }, { status: 'ready' })).toMatch(
      /being indexed/,
    );
    expect(extractBlocker({ status: 'failed', chunk_count: 0 }, { status: null })).toMatch(
      /no indexed text/,
    );
    expect(extractBlocker({ status: 'ready', chunk_count: 3 }, { status: 'running' })).toMatch(
      /being extracted already/,
    );
    expect(extractBlocker({ status: 'ready', chunk_count: 3 }, { status: 'queued' })).toMatch(
      /being extracted already/,
    );
  });
});
