import { describe, expect, it } from 'vitest';

import { legacyPath, paths, samePageIn } from './paths';

describe('legacyPath', () => {
  it.each([
    ['/w/T', '/manage/T/dashboard'],
    ['/w/T/', '/manage/T/dashboard'],
    ['/w/T/agents', '/manage/T/ai-agents'],
    ['/w/T/agents/new', '/manage/T/ai-agents/new'],
    ['/w/T/agents/A1', '/manage/T/ai-agents/A1'],
    ['/w/T/knowledge', '/manage/T/knowledge-base'],
    ['/w/T/ai', '/manage/T/settings/ai'],
    ['/w/T/settings', '/manage/T/settings'],
    ['/w/T/settings/api-keys', '/manage/T/settings/api-keys'],
    ['/w/T/constructor', '/manage/T/constructor'],
  ])('%s → %s', (old, now) => {
    expect(legacyPath(old)).toBe(now);
  });

  it('leaves other paths alone', () => {
    expect(legacyPath('/w')).toBeNull();
    expect(legacyPath('/w/')).toBeNull();
    expect(legacyPath('/manage/T/dashboard')).toBeNull();
  });
});

describe('samePageIn', () => {
  it('keeps the section and the settings tab, not what belongs to one workspace', () => {
    expect(samePageIn('/manage/A/settings/members', 'B')).toBe('/manage/B/settings/members');
    expect(samePageIn('/manage/A/ai-agents/123', 'B')).toBe('/manage/B/ai-agents');
    expect(samePageIn('/manage/A/knowledge-base', 'B')).toBe(paths.knowledge('B'));
    expect(samePageIn('/manage/A', 'B')).toBe(paths.dashboard('B'));
  });
});
