import { useId, useState, type KeyboardEvent, type ReactNode } from 'react';

import { Button } from './Button';

export interface ListInputProps {
  label: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  /** Returns why a new entry is refused, or null to accept it. */
  validate?: (value: string) => string | null;
  placeholder?: string;
  hint?: ReactNode;
  error?: string | undefined;
  disabled?: boolean;
  inputMode?: 'text' | 'numeric';
}

/** A short list of values: each one a removable chip, new ones typed and added with Enter. */
export function ListInput({
  label,
  values,
  onChange,
  validate,
  placeholder,
  hint,
  error,
  disabled = false,
  inputMode = 'text',
}: ListInputProps) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const shownError = refusal ?? error;

  function add() {
    const value = draft.trim();
    if (!value) return;
    if (values.includes(value)) {
      setRefusal(`${value} is already in the list`);
      return;
    }
    const problem = validate?.(value) ?? null;
    setRefusal(problem);
    if (problem) return;
    onChange([...values, value]);
    setDraft('');
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    }
  }

  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-ink">
        {label}
      </label>
      {values.length > 0 ? (
        <ul aria-label={label} className="flex flex-wrap gap-1.5">
          {values.map((value) => (
            <li
              key={value}
              className="inline-flex items-center gap-1 rounded-pill bg-surface-sunken py-0.5 pr-1 pl-2.5 text-xs font-medium text-ink"
            >
              {value}
              <button
                type="button"
                disabled={disabled}
                onClick={() => onChange(values.filter((v) => v !== value))}
                aria-label={`Remove ${value}`}
                className="rounded-pill px-1 text-ink-muted hover:text-danger disabled:hidden"
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flex gap-2">
        <input
          id={id}
          value={draft}
          disabled={disabled}
          inputMode={inputMode}
          placeholder={placeholder}
          aria-invalid={shownError ? true : undefined}
          onChange={(event) => {
            setDraft(event.target.value);
            setRefusal(null);
          }}
          onKeyDown={onKeyDown}
          className={`block w-full rounded-control border bg-surface px-3 py-2 text-sm text-ink placeholder:text-ink-subtle disabled:bg-surface-sunken ${
            shownError ? 'border-danger' : 'border-surface-strong focus:border-brand-500'
          }`}
        />
        <Button variant="secondary" onClick={add} disabled={disabled || draft.trim() === ''}>
          Add
        </Button>
      </div>
      {shownError ? <p className="text-xs text-danger">{shownError}</p> : null}
      {hint ? <p className="text-xs text-ink-muted">{hint}</p> : null}
    </div>
  );
}
