import type { SearchRequest } from '../../../client';
import { normalTags } from '../detail/metadataChanges';

export type SearchMode = NonNullable<SearchRequest['mode']>;

export const SEARCH_MODES: readonly { value: SearchMode; label: string }[] = [
  { value: 'hybrid', label: 'Hybrid (meaning + words)' },
  { value: 'vector', label: 'Meaning only' },
  { value: 'text', label: 'Exact words only' },
];

export const RESULT_LIMITS = [5, 10, 20, 50] as const;

export interface SearchForm {
  query: string;
  mode: SearchMode;
  limit: number;
  /** Only these collections (none: every document). */
  collectionIds: readonly string[];
  /** Only documents with any of these tags (none: every document). */
  tags: readonly string[];
}

/**
 * The request for the form, or null when there is nothing to search for. Filters that are
 * not set are left out: the API reads an empty list as "nothing matches", not "no filter".
 */
export function searchRequest(form: SearchForm): SearchRequest | null {
  const query = form.query.trim();
  if (query === '') return null;
  const tags = normalTags(form.tags);
  return {
    query,
    mode: form.mode,
    limit: form.limit,
    ...(form.collectionIds.length > 0 ? { collection_ids: [...new Set(form.collectionIds)] } : {}),
    ...(tags.length > 0 ? { tags } : {}),
  };
}

/** "#1 by words · #3 by meaning": which legs of the search found the passage, and where. */
export function rankSummary(hit: { text_rank: number | null; vector_rank: number | null }): string {
  return [
    hit.text_rank !== null ? `#${hit.text_rank} by words` : null,
    hit.vector_rank !== null ? `#${hit.vector_rank} by meaning` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** A hit's score as a share of the best one (scores of hybrid search are small fusions). */
export function relevance(score: number, best: number): number {
  if (best <= 0) return 0;
  return Math.round(Math.min(1, Math.max(0, score / best)) * 100);
}
