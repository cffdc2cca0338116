import { useEffect, useState } from 'react';

import { STATUSES } from './labels';

export interface AgentFilterValues {
  q: string;
  status: string;
}

export interface AgentFiltersProps {
  value: AgentFilterValues;
  onChange: (value: AgentFilterValues) => void;
}

const SEARCH_DELAY_MS = 300;

/** Search by name or description (sent once typing pauses) and keep one status. */
export function AgentFilters({ value, onChange }: AgentFiltersProps) {
  const [text, setText] = useState(value.q);

  // The URL can change the search too (back button, "Clear filters").
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
        aria-label="Search agents"
        placeholder="Search by name or description"
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
        {STATUSES.map((status) => (
          <option key={status.value} value={status.value}>
            {status.label}
          </option>
        ))}
      </select>
    </div>
  );
}
