import { useState, type FormEvent } from 'react';

import { errorMessage } from '../../api/problem';
import { useKnowledgeSearch } from '../../api/useKnowledge';
import type { SearchHitRead, SearchRequest } from '../../client';
import { Button } from '../../components/Button';
import { FormError } from '../../components/Field';
import { safeHighlightHtml } from '../../lib/highlight';

type Mode = NonNullable<SearchRequest['mode']>;

const MODES: readonly { value: Mode; label: string }[] = [
  { value: 'hybrid', label: 'Hybrid (meaning + words)' },
  { value: 'vector', label: 'Meaning only' },
  { value: 'text', label: 'Exact words only' },
];

function pages(hit: SearchHitRead): string | null {
  if (hit.page_start === null) return null;
  if (hit.page_end === null || hit.page_end === hit.page_start) return `p. ${hit.page_start}`;
  return `pp. ${hit.page_start}–${hit.page_end}`;
}

function Hit({ hit }: { hit: SearchHitRead }) {
  const where = [hit.heading_path.join(' › '), pages(hit)].filter(Boolean).join(' · ');
  return (
    <li className="space-y-1 py-3">
      <div className="flex items-baseline justify-between gap-3">
        <p className="font-medium text-ink">{hit.document_title}</p>
        <span className="font-mono text-xs text-ink-muted" title="Score">
          {hit.score.toFixed(3)}
        </span>
      </div>
      {where ? <p className="text-xs text-ink-muted">{where}</p> : null}
      <p
        className="text-sm text-ink [&_mark]:rounded-sm [&_mark]:bg-warning-soft [&_mark]:px-0.5"
        // Only <mark> survives: see safeHighlightHtml.
        dangerouslySetInnerHTML={{ __html: safeHighlightHtml(hit.highlight) }}
      />
    </li>
  );
}

/** Try a question against the ready documents, the way an agent's knowledge search does. */
export function SearchPanel({ tenantId }: { tenantId: string }) {
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<Mode>('hybrid');
  const search = useKnowledgeSearch(tenantId);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (query.trim() !== '') search.mutate({ query: query.trim(), mode, limit: 10 });
  }

  return (
    <div className="space-y-4">
      <form onSubmit={submit} role="search" className="flex flex-wrap gap-3">
        <input
          type="search"
          aria-label="Search query"
          placeholder="Ask something your documents answer"
          value={query}
          maxLength={1000}
          onChange={(event) => setQuery(event.target.value)}
          className="min-w-0 flex-1 rounded-control border border-surface-strong bg-surface px-3 py-2 text-sm text-ink placeholder:text-ink-subtle focus:border-brand-500"
        />
        <select
          aria-label="Search mode"
          value={mode}
          onChange={(event) => setMode(event.target.value as Mode)}
          className="rounded-control border border-surface-strong bg-surface px-3 py-2 text-sm text-ink"
        >
          {MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
        <Button type="submit" loading={search.isPending} disabled={query.trim() === ''}>
          Search
        </Button>
      </form>
      {search.isError ? <FormError message={errorMessage(search.error)} /> : null}
      {search.data ? (
        search.data.hits.length === 0 ? (
          <p className="text-sm text-ink-muted">
            No passages match. Only documents that are ready are searched.
          </p>
        ) : (
          <ol aria-label="Search results" className="divide-y divide-surface-border">
            {search.data.hits.map((hit) => (
              <Hit key={hit.chunk_id} hit={hit} />
            ))}
          </ol>
        )
      ) : null}
    </div>
  );
}
