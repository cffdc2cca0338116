import { useEffect, useState } from 'react';

import { ENTITY_TYPES } from './graphData';

export interface EntityFilterValues {
  q: string;
  /** An entity type, or '' for every type. */
  type: string;
}

const SEARCH_DELAY_MS = 300;

/** A name search (sent once typing pauses) and a type select, above the entity list. */
export function EntityFilters({
  value,
  onChange,
}: {
  value: EntityFilterValues;
  onChange: (value: EntityFilterValues) => void;
}) {
  const [text, setText] = useState(value.q);

  // "Clear filters" changes the value from outside.
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
    <div className="mb-3 flex flex-wrap gap-2">
      <input
        type="search"
        aria-label="Search entities"
        placeholder="Search by name"
        value={text}
        maxLength={200}
        onChange={(event) => setText(event.target.value)}
        className="min-w-0 flex-1 rounded-control border border-surface-strong bg-surface px-3 py-1.5 text-sm text-ink placeholder:text-ink-subtle focus:border-brand-500"
      />
      <select
        aria-label="Entity type"
        value={value.type}
        onChange={(event) => onChange({ ...value, type: event.target.value })}
        className="rounded-control border border-surface-strong bg-surface px-3 py-1.5 text-sm text-ink"
      >
        <option value="">All types</option>
        {ENTITY_TYPES.map((type) => (
          <option key={type.value} value={type.value}>
            {type.label}
          </option>
        ))}
      </select>
    </div>
  );
}
