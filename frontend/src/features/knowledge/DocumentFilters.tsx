import { useEffect, useState } from 'react';

import { DOCUMENT_STATUSES } from './labels';

export interface DocumentFilterValues {
  q: string;
  status: string;
}

export interface DocumentFiltersProps {
  value: DocumentFilterValues;
  onChange: (value: DocumentFilterValues) => void;
}

const SEARCH_DELAY_MS = 300;

/** Search by title (sent once typing pauses) and keep one status. */
export function DocumentFilters({ value, onChange }: DocumentFiltersProps) {
  const [text, setText] = useState(value.q);

  useEffect(
    () => setText((current) => (current.trim() === value.q ? current : value.q)),
    [value.q],
  );

  useEffect(() => {
    if (text.trim() === value.q) return undefined;
    const timer = setTimeout(() => onChange({ ...value, q: text.trim() }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);

  return (
    <div className="mb-4 flex flex-wrap gap-3">
      <input
        type="search"
        aria-label="Search documents"
        placeholder="Search by title"
        value={text}
        maxLength={200}
        onChange={(event) => setText(event.target.value)}
        className="min-w-0 flex-1 rounded-control border border-surface-strong bg-surface px-3 py-2 text-sm text-ink placeholder:text-ink-subtle focus:border-brand-500"
      />
      <select
        aria-label="Status"
        value={value.status}
        onChange={(event) => onChange({ ...value, status: event.target.value })}
        className="rounded-control border border-surface-strong bg-surface px-3 py-2 text-sm text-ink"
      >
        <option value="">All statuses</option>
        {DOCUMENT_STATUSES.map((status) => (
          <option key={status.value} value={status.value}>
            {status.label}
          </option>
        ))}
      </select>
    </div>
  );
}
