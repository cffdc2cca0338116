import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';

import { formErrors } from '../../../api/problem';
import { useDeleteMemory, useUpdateMemory } from '../../../api/useContacts';
import type { MemoryRead } from '../../../client';
import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { FormError, TextField } from '../../../components/Field';
import { formatRelative } from '../../../lib/format';
import { paths } from '../../../paths';
import { memoryKeyLabel } from './memoryKeys';

export interface MemoryRowProps {
  tenantId: string;
  memory: MemoryRead;
  canEdit: boolean;
}

/** Where a memory came from: the message it was learnt in, or a person. */
function Origin({ tenantId, memory }: { tenantId: string; memory: MemoryRead }) {
  if (memory.origin === 'manual') return <span>added by a person</span>;
  if (!memory.conversation_id) return <span>learnt in a conversation</span>;
  const to = `${paths.conversation(tenantId, memory.conversation_id)}${memory.message_id ? `#message-${memory.message_id}` : ''}`;
  return (
    <Link to={to} className="font-medium text-brand-700 hover:underline">
      learnt in a conversation
    </Link>
  );
}

export function MemoryRow({ tenantId, memory, canEdit }: MemoryRowProps) {
  const update = useUpdateMemory(tenantId, memory.contact_id);
  const remove = useDeleteMemory(tenantId, memory.contact_id);
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(memory.value);
  const [importance, setImportance] = useState(String(memory.importance));
  const [confirming, setConfirming] = useState(false);
  const errors = formErrors(update.error, ['value', 'importance'], { includeGeneral: true });

  function save(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      { memory, body: { value: value.trim(), importance: Number(importance) } },
      { onSuccess: () => setEditing(false) },
    );
  }

  return (
    <li className="py-2 text-sm">
      {editing ? (
        <form onSubmit={save} className="space-y-2" aria-label={`Correct ${memory.text}`}>
          <TextField
            label={memoryKeyLabel(memory.key)}
            value={value}
            maxLength={500}
            required
            error={errors.fields.value}
            onChange={(event) => setValue(event.target.value)}
          />
          <TextField
            label="Importance (0–1)"
            type="number"
            min={0}
            max={1}
            step={0.1}
            value={importance}
            error={errors.fields.importance}
            onChange={(event) => setImportance(event.target.value)}
          />
          <FormError message={errors.form} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" size="sm" onClick={() => setEditing(false)}>
              Cancel
            </Button>
            <Button type="submit" size="sm" loading={update.isPending}>
              Save
            </Button>
          </div>
        </form>
      ) : (
        <div className="flex flex-wrap items-start justify-between gap-2">
          <div className="min-w-0">
            <p className="flex flex-wrap items-center gap-2">
              <Badge>{memoryKeyLabel(memory.key)}</Badge>
              <span className="break-words text-ink">{memory.value}</span>
            </p>
            <p className="mt-0.5 text-xs text-ink-muted">
              <Origin tenantId={tenantId} memory={memory} /> · importance{' '}
              {memory.importance.toFixed(1)} · seen {memory.times_seen}× · last{' '}
              {formatRelative(memory.last_seen_at)}
            </p>
          </div>
          {canEdit ? (
            <div className="flex gap-1">
              <Button variant="ghost" size="sm" onClick={() => setEditing(true)}>
                Edit
              </Button>
              <Button variant="ghost" size="sm" onClick={() => setConfirming(true)}>
                Delete
              </Button>
            </div>
          ) : null}
        </div>
      )}
      <ConfirmDialog
        open={confirming}
        title="Delete this memory?"
        message={`The agents will no longer know “${memory.text}”.`}
        confirmLabel="Delete"
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate(memory, { onSettled: () => setConfirming(false) })}
      />
    </li>
  );
}
