import { TextField } from '../../../components/Field';
import type { ContactDraft } from './testTurns';

export interface ContactFieldsProps {
  draft: ContactDraft;
  onChange: (draft: ContactDraft) => void;
  /** A conversation has begun: its contact is fixed until a new one. */
  locked: boolean;
}

/**
 * Optionally write as a contact, so that what the agent learns is remembered and recalled in
 * the next conversation with the same id.
 */
export function ContactFields({ draft, onChange, locked }: ContactFieldsProps) {
  return (
    <details className="rounded-control border border-surface-border px-3 py-2">
      <summary className="cursor-pointer text-sm font-medium text-ink">
        Write as a contact{' '}
        <span className="font-normal text-ink-muted">(optional, to try memory)</span>
      </summary>
      <div className="mt-3 grid gap-3 sm:grid-cols-2">
        <TextField
          label="Contact name"
          value={draft.name}
          maxLength={200}
          disabled={locked}
          onChange={(event) => onChange({ ...draft, name: event.target.value })}
        />
        <TextField
          label="External id"
          value={draft.externalId}
          maxLength={200}
          disabled={locked}
          placeholder="e.g. lucia-1"
          hint={
            locked
              ? 'Start a new conversation to change it.'
              : 'The same id next time: the agent remembers.'
          }
          onChange={(event) => onChange({ ...draft, externalId: event.target.value })}
        />
      </div>
    </details>
  );
}
