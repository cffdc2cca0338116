import { Link } from 'react-router-dom';

import type { EntitySource } from '../../../client';
import { chunkMentionLabel } from './graphData';

export interface EntityMentionsProps {
  sources: EntitySource[];
  documentHref: (documentId: string) => string;
}

/** The documents that name the entity, how often, and in which of their passages. */
export function EntityMentions({ sources, documentHref }: EntityMentionsProps) {
  if (sources.length === 0) return <p className="text-sm text-ink-muted">No mentions left.</p>;
  return (
    <ul aria-label="Mentions" className="space-y-2 text-sm">
      {sources.map((source) => (
        <li key={source.document_id}>
          <Link
            to={documentHref(source.document_id)}
            className="font-medium text-brand-700 hover:underline"
          >
            {source.document_title}
          </Link>{' '}
          <span className="text-xs text-ink-muted">
            {source.mention_count === 1 ? '1 mention' : `${source.mention_count} mentions`}
          </span>
          {source.chunks.length > 0 ? (
            <p className="text-xs text-ink-muted">
              in {source.chunks.map(chunkMentionLabel).join(', ')}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
