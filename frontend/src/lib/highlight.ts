/**
 * Search highlights arrive as HTML: escaped text with `<mark>` around matched words. Before it
 * goes into the page, everything except exactly `<mark>` and `</mark>` is escaped again, so a
 * tag (or a stray `<`, `>` or quote) that slipped into the text is shown, never interpreted.
 * Character references (`&amp;`, `&#x27;`) are kept: they cannot make markup.
 */
const MARK = /(<mark>|<\/mark>)/;
const BARE_AMPERSAND = /&(?!(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)/g;

function escapeSegment(text: string): string {
  return text
    .replace(BARE_AMPERSAND, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;');
}

export function safeHighlightHtml(html: string): string {
  let open = 0;
  const out = html.split(MARK).map((part) => {
    if (part === '<mark>') {
      open += 1;
      return part;
    }
    if (part === '</mark>') {
      if (open === 0) return '';
      open -= 1;
      return part;
    }
    return escapeSegment(part);
  });
  return out.join('') + '</mark>'.repeat(open);
}
