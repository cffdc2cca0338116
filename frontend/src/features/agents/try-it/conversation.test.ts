import { describe, expect, it } from 'vitest';

import { lookupReply, offlineReply } from '../../../test/agentFixtures';
import { contextSummary, previewRequest, type PassageDraft, type Turn } from './conversation';

const turns: Turn[] = [{ role: 'user', content: 'How much is premium?' }];

describe('previewRequest', () => {
  it('sends the passages with text, and whether to look knowledge up', () => {
    const drafts: PassageDraft[] = [
      { id: 'a', title: ' Hours ', text: 'We open at 9.' },
      { id: 'b', title: '', text: '  ' },
      { id: 'c', title: '', text: 'Premium costs 49 EUR.' },
    ];
    const { body, usedFrom } = previewRequest(turns, drafts, false);
    expect(body).toEqual({
      messages: turns,
      passages: [
        { title: 'Hours', text: 'We open at 9.' },
        { title: '', text: 'Premium costs 49 EUR.' },
      ],
      use_knowledge: false,
    });
    // The reply's indexes point into what was sent, the empty draft skipped.
    expect(usedFrom(offlineReply)).toEqual([{ id: 'c', label: 'Passage 3' }]);
  });

  it('asks for a lookup with no passages; the lookup’s indexes match no draft', () => {
    const { body, usedFrom } = previewRequest(turns, [], true);
    expect(body).toEqual({ messages: turns, passages: [], use_knowledge: true });
    expect(usedFrom(lookupReply)).toEqual([]);
  });
});

describe('contextSummary', () => {
  it('counts the passages used and the facts', () => {
    expect(contextSummary(lookupReply.context!)).toBe('1 of 2 passages used · 1 fact, used');
    expect(
      contextSummary({
        passages: [lookupReply.context!.passages[1]!],
        facts: [
          { ...lookupReply.context!.facts[0]!, used: false },
          { ...lookupReply.context!.facts[0]!, used: false },
        ],
      }),
    ).toBe('0 of 1 passage used · 2 facts');
    expect(contextSummary({ passages: [], facts: [] })).toBe('nothing found');
  });
});
