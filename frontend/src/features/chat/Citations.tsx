import { useState } from 'react';
import { Link } from 'react-router-dom';

import type { Citation } from '../../client';
import { Dialog } from '../../components/Dialog';
import { knowledgeDocumentPath } from '../knowledge/links';

function chipLabel(citation: Citation): string {
  return citation.kind === 'fact' || citation.number === null ? 'Fact' : `[${citation.number}]`;
}

/**
 * The passages (and graph facts) an answer cites, as numbered chips; each opens the quoted
 * passage with its document's title and a link to the document.
 */
export function Citations({ tenantId, citations }: { tenantId: string; citations: Citation[] }) {
  const [open, setOpen] = useState<Citation | null>(null);
  if (citations.length === 0) return null;
  return (
    <div className="flex flex-wrap items-center gap-1.5 text-xs">
      <span className="text-ink-muted">Sources:</span>
      {citations.map((citation, index) => (
        <button
          key={`${citation.chunk_id}-${index}`}
          type="button"
          onClick={() => setOpen(citation)}
          title={citation.document_title}
          aria-label={`Source ${chipLabel(citation)}: ${citation.document_title}`}
          className="max-w-full truncate rounded-pill bg-brand-50 px-2 py-0.5 font-medium text-brand-700 hover:bg-brand-100"
        >
          {chipLabel(citation)} {citation.document_title}
        </button>
      ))}
      <Dialog
        open={open !== null}
        title={open?.document_title ?? ''}
        description={
          open?.kind === 'fact'
            ? 'A fact from the knowledge graph'
            : `Passage ${open ? chipLabel(open) : ''}`
        }
        onClose={() => setOpen(null)}
        wide
      >
        {open ? (
          <div className="space-y-4">
            <blockquote className="rounded-control border-l-4 border-brand-500 bg-surface-muted px-4 py-3 text-sm whitespace-pre-wrap break-words text-ink">
              {open.quote}
            </blockquote>
            <Link
              to={knowledgeDocumentPath(tenantId, open.document_id)}
              className="text-sm font-medium text-brand-700 hover:underline"
            >
              Open the document
            </Link>
          </div>
        ) : null}
      </Dialog>
    </div>
  );
}
