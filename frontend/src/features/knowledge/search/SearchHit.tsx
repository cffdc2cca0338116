import { Link } from 'react-router-dom';

import type { SearchHitRead } from '../../../client';
import { safeHighlightHtml } from '../../../lib/highlight';
import { pageRange } from '../labels';
import { rankSummary, relevance } from './searchRequest';

export interface SearchHitProps {
  hit: SearchHitRead;
  /** The best hit's score: relevance is shown relative to it. */
  best: number;
  documentHref: (documentId: string) => string;
}

/** One passage found: its document (a link to it), where in it, the score and the snippet. */
export function SearchHit({ hit, best, documentHref }: SearchHitProps) {
  const where = [hit.heading_path.join(' › '), pageRange(hit.page_start, hit.page_end)]
    .filter(Boolean)
    .join(' · ');
  const ranks = rankSummary(hit);
  return (
    <li className="space-y-1 py-3">
      <div className="flex items-baseline justify-between gap-3">
        <Link
          to={documentHref(hit.document_id)}
          className="font-medium text-brand-700 hover:underline"
        >
          {hit.document_title}
        </Link>
        <span
          className="text-xs text-ink-muted"
          title={`Score ${hit.score.toFixed(4)}, relative to the best match`}
        >
          {relevance(hit.score, best)}% relevant
        </span>
      </div>
      {where ? <p className="text-xs text-ink-muted">{where}</p> : null}
      <p
        className="text-sm text-ink [&_mark]:rounded-sm [&_mark]:bg-warning-soft [&_mark]:px-0.5"
        // Only <mark> survives: see safeHighlightHtml.
        dangerouslySetInnerHTML={{ __html: safeHighlightHtml(hit.highlight) }}
      />
      {ranks ? <p className="text-xs text-ink-subtle">{ranks}</p> : null}
    </li>
  );
}
