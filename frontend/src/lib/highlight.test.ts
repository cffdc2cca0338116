import { describe, expect, it } from 'vitest';

import { safeHighlightHtml } from './highlight';

describe('safeHighlightHtml', () => {
  it('keeps <mark> and escaped text as they are', () => {
    expect(safeHighlightHtml('a <mark>b</mark> &amp; &lt;c&gt; &#x27;d&#x27;')).toBe(
      'a <mark>b</mark> &amp; &lt;c&gt; &#x27;d&#x27;',
    );
  });

  it('escapes every other tag, attribute and bare character', () => {
    expect(safeHighlightHtml('<b>x</b><img src=x onerror="y"> & <mark class="z">')).toBe(
      '&lt;b&gt;x&lt;/b&gt;&lt;img src=x onerror=&quot;y&quot;&gt; &amp; &lt;mark class=&quot;z&quot;&gt;',
    );
  });

  it('balances marks', () => {
    expect(safeHighlightHtml('</mark>a<mark>b')).toBe('a<mark>b</mark>');
  });
});
