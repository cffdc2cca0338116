import { useState, type FormEvent } from 'react';

import { errorMessage } from '../../../api/problem';
import { useKnowledgeSearch } from '../../../api/useKnowledge';
import type { CollectionRead } from '../../../client';
import { Button } from '../../../components/Button';
import { FormError } from '../../../components/Field';
import { ListSkeleton } from '../../../components/Skeleton';
import { SearchFilters } from './SearchFilters';
import { SearchResults } from './SearchResults';
import { RESULT_LIMITS, SEARCH_MODES, searchRequest, type SearchForm } from './searchRequest';
import { optionValue } from '../../../lib/guards';

const SELECT = 'rounded-control border border-surface-strong bg-surface px-3 py-2 text-sm text-ink';

export interface SearchPanelProps {
  tenantId: string;
  collections: readonly CollectionRead[];
  documentHref: (documentId: string) => string;
}

/** Try a question against the ready documents, the way an agent's knowledge search does. */
export function SearchPanel({ tenantId, collections, documentHref }: SearchPanelProps) {
  const [form, setForm] = useState<SearchForm>({
    query: '',
    mode: 'hybrid',
    limit: 10,
    collectionIds: [],
    tags: [],
  });
  const [showFilters, setShowFilters] = useState(false);
  const search = useKnowledgeSearch(tenantId);
  const request = searchRequest(form);
  const filterCount = form.collectionIds.length + form.tags.length;

  function set<K extends keyof SearchForm>(key: K, value: SearchForm[K]) {
    setForm((current) => ({ ...current, [key]: value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (request) search.mutate(request);
  }

  return (
    <div className="space-y-4">
      <form onSubmit={submit} role="search" className="space-y-3">
        <div className="flex flex-wrap gap-3">
          <input
            type="search"
            aria-label="Search query"
            placeholder="Ask something your documents answer"
            value={form.query}
            maxLength={2000}
            onChange={(event) => set('query', event.target.value)}
            className="min-w-0 flex-1 rounded-control border border-surface-strong bg-surface px-3 py-2 text-sm text-ink placeholder:text-ink-subtle focus:border-brand-500"
          />
          <select
            aria-label="Search mode"
            value={form.mode}
            onChange={(event) => {
              const mode = optionValue(SEARCH_MODES, event.target.value);
              if (mode) set('mode', mode);
            }}
            className={SELECT}
          >
            {SEARCH_MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
          <select
            aria-label="Number of results"
            value={form.limit}
            onChange={(event) => set('limit', Number(event.target.value))}
            className={SELECT}
          >
            {RESULT_LIMITS.map((n) => (
              <option key={n} value={n}>
                {n} results
              </option>
            ))}
          </select>
          <Button type="submit" loading={search.isPending} disabled={request === null}>
            Search
          </Button>
        </div>
        <button
          type="button"
          aria-expanded={showFilters}
          onClick={() => setShowFilters((open) => !open)}
          className="text-sm font-medium text-brand-700 hover:underline"
        >
          {showFilters ? 'Hide filters' : 'Filters'}
          {filterCount > 0 ? ` (${filterCount})` : ''}
        </button>
        {showFilters ? (
          <SearchFilters
            collections={collections}
            collectionIds={form.collectionIds}
            onCollectionIds={(ids) => set('collectionIds', ids)}
            tags={form.tags}
            onTags={(tags) => set('tags', tags)}
          />
        ) : null}
      </form>
      {search.isError ? <FormError message={errorMessage(search.error)} /> : null}
      {search.isPending && !search.data ? <ListSkeleton rows={3} label="Searching" /> : null}
      {search.data ? (
        <SearchResults
          response={search.data}
          filtered={
            (search.variables?.collection_ids?.length ?? 0) +
              (search.variables?.tags?.length ?? 0) >
            0
          }
          documentHref={documentHref}
        />
      ) : null}
    </div>
  );
}
