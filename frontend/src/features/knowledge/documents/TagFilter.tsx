import { useId, useState, type FormEvent } from 'react';

import { MAX_TAG_LENGTH } from '../labels';

export interface TagFilterProps {
  /** The tag filtered by, or ''. */
  value: string;
  onChange: (tag: string) => void;
  /** Tags seen on the documents shown, offered as suggestions. */
  suggestions: readonly string[];
}

/** Keeps documents with one tag: type or pick a tag and press Enter; the chip clears it. */
export function TagFilter({ value, onChange, suggestions }: TagFilterProps) {
  const listId = useId();
  const [draft, setDraft] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    if (draft.trim() === '') return;
    onChange(draft.trim());
    setDraft('');
  }

  if (value) {
    return (
      <p className="flex items-center gap-2 text-sm text-ink-muted">
        Tagged
        <span className="inline-flex items-center gap-1 rounded-pill bg-brand-50 py-0.5 pr-1 pl-2.5 text-xs font-medium text-brand-700">
          {value}
          <button
            type="button"
            onClick={() => onChange('')}
            aria-label={`Clear tag filter ${value}`}
            className="rounded-pill px-1 hover:text-danger"
          >
            ✕
          </button>
        </span>
      </p>
    );
  }
  return (
    <form onSubmit={submit} className="flex gap-2">
      <input
        type="search"
        aria-label="Filter by tag"
        placeholder="Filter by tag"
        list={listId}
        value={draft}
        maxLength={MAX_TAG_LENGTH}
        onChange={(event) => setDraft(event.target.value)}
        className="w-44 rounded-control border border-surface-strong bg-surface px-3 py-1.5 text-sm text-ink placeholder:text-ink-subtle focus:border-brand-500"
      />
      <datalist id={listId}>
        {suggestions.map((tag) => (
          <option key={tag} value={tag} />
        ))}
      </datalist>
    </form>
  );
}
