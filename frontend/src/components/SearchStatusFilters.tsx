import { useEffect, useState } from 'react';

/** The search text and the selected status ('' for every status). */
export interface SearchStatusValues<S extends string = string> {
  q: string;
  status: S | '';
}

export interface SearchStatusFiltersProps<S extends string> {
  value: SearchStatusValues<S>;
  onChange: (value: SearchStatusValues<S>) => void;
  statuses: readonly { value: S; label: string }[];
  /** What is searched, e.g. "agents" (for the accessible name). */
  noun: string;
  placeholder: string;
  /** The select's accessible name and its "every value" option. */
  selectLabel?: string;
  allLabel?: string;
}

const SEARCH_DELAY_MS = 300;

/** A search box (sent once typing pauses) and a select (a status by default), above a list. */
export function SearchStatusFilters<S extends string>({
  value,
  onChange,
  statuses,
  noun,
  placeholder,
  selectLabel = 'Status',
  allLabel = 'All statuses',
}: SearchStatusFiltersProps<S>) {
  const [text, setText] = useState(value.q);

  // The value can change from outside too (back button, "Clear filters"): adjust the box
  // while rendering, as https://react.dev/learn/you-might-not-need-an-effect suggests.
  const [shownQ, setShownQ] = useState(value.q);
  if (shownQ !== value.q) {
    setShownQ(value.q);
    if (text.trim() !== value.q) setText(value.q);
  }

  useEffect(() => {
    if (text.trim() === value.q) return undefined;
    const timer = setTimeout(() => onChange({ ...value, q: text.trim() }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);

  return (
    <div className="mb-4 flex flex-wrap gap-3">
      <input
        type="search"
        aria-label={`Search ${noun}`}
        placeholder={placeholder}
        value={text}
        maxLength={200}
        onChange={(event) => setText(event.target.value)}
        className="min-w-0 flex-1 rounded-control border border-surface-strong bg-surface px-3 py-2 text-sm text-ink placeholder:text-ink-subtle focus:border-brand-500"
      />
      <select
        aria-label={selectLabel}
        value={value.status}
        onChange={(event) => {
          const status = statuses.find((option) => option.value === event.target.value);
          onChange({ ...value, status: status?.value ?? '' });
        }}
        className="rounded-control border border-surface-strong bg-surface px-3 py-2 text-sm text-ink"
      >
        <option value="">{allLabel}</option>
        {statuses.map((status) => (
          <option key={status.value} value={status.value}>
            {status.label}
          </option>
        ))}
      </select>
    </div>
  );
}
