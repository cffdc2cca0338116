import type { SearchResponse } from '../../../client';
import { SearchHit } from './SearchHit';

export interface SearchResultsProps {
  response: SearchResponse;
  /** The search was limited by collections or tags. */
  filtered: boolean;
  documentHref: (documentId: string) => string;
}

/** The passages found, best first, with how they were found. */
export function SearchResults({ response, filtered, documentHref }: SearchResultsProps) {
  if (response.hits.length === 0) {
    return (
      <p className="text-sm text-ink-muted">
        No passages match. Only documents that are ready are searched
        {filtered ? ', within the filters you chose' : ''}.
      </p>
    );
  }
  return (
    <div>
      <p className="text-xs text-ink-muted">
        {response.hits.length === 1 ? '1 passage' : `${response.hits.length} passages`}, best first
        · embeddings by <code className="font-mono">{response.embedding_model}</code>
      </p>
      <ol aria-label="Search results" className="divide-y divide-surface-border">
        {response.hits.map((hit) => (
          <SearchHit
            key={hit.chunk_id}
            hit={hit}
            best={response.hits[0]?.score ?? hit.score}
            documentHref={documentHref}
          />
        ))}
      </ol>
    </div>
  );
}
