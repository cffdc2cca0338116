import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { newPassage, passageLabel, type PassageDraft } from './conversation';

export interface PassageEditorProps {
  passages: PassageDraft[];
  onChange: (passages: PassageDraft[]) => void;
  /** Passages the last reply drew on: highlighted. */
  usedIds: ReadonlySet<string>;
}

const MAX_PASSAGES = 20;

/** Knowledge to answer from, typed here instead of uploaded: title and text per passage. */
export function PassageEditor({ passages, onChange, usedIds }: PassageEditorProps) {
  function update(id: string, change: Partial<PassageDraft>) {
    onChange(passages.map((p) => (p.id === id ? { ...p, ...change } : p)));
  }
  return (
    <div className="space-y-3">
      {passages.length === 0 ? (
        <p className="text-sm text-ink-muted">
          None yet. Add a price list, opening hours or an FAQ answer to see the agent use it.
        </p>
      ) : null}
      {passages.map((passage, index) => {
        const used = usedIds.has(passage.id);
        const label = `Passage ${index + 1}`;
        return (
          <fieldset
            key={passage.id}
            data-used={used || undefined}
            className={`space-y-2 rounded-control border p-3 ${
              used
                ? 'border-warning bg-warning-soft/50 ring-2 ring-warning/40'
                : 'border-surface-border'
            }`}
          >
            <legend className="flex items-center gap-2 px-1 text-xs font-medium text-ink-muted">
              {label}
              {used ? <Badge tone="warning">Used in the last reply</Badge> : null}
            </legend>
            <input
              aria-label={`${label} title`}
              placeholder="Title (optional)"
              value={passage.title}
              maxLength={300}
              onChange={(event) => update(passage.id, { title: event.target.value })}
              className="block w-full rounded-control border border-surface-strong bg-surface px-3 py-1.5 text-sm"
            />
            <textarea
              aria-label={`${label} text`}
              placeholder="Text the agent may quote"
              rows={3}
              value={passage.text}
              maxLength={8000}
              onChange={(event) => update(passage.id, { text: event.target.value })}
              className="block w-full rounded-control border border-surface-strong bg-surface px-3 py-1.5 text-sm"
            />
            <Button
              variant="ghost"
              size="sm"
              onClick={() => onChange(passages.filter((p) => p.id !== passage.id))}
              aria-label={`Remove ${passageLabel(passage, index)}`}
            >
              Remove
            </Button>
          </fieldset>
        );
      })}
      <Button
        variant="secondary"
        size="sm"
        disabled={passages.length >= MAX_PASSAGES}
        onClick={() => onChange([...passages, newPassage()])}
      >
        Add passage
      </Button>
    </div>
  );
}
