import { useState, type FormEvent } from 'react';

import { formErrors } from '../../../api/problem';
import { useAddMemory } from '../../../api/useContacts';
import { Button } from '../../../components/Button';
import { FormError, SelectField, TextField } from '../../../components/Field';
import { isMemoryKey, MEMORY_KEYS, type MemoryKey } from './memoryKeys';

const KEY_OPTIONS = Object.entries(MEMORY_KEYS).map(([value, label]) => ({ value, label }));

/** A fact a person adds; a single-valued key (city, phone…) replaces the older value. */
export function AddMemoryForm({ tenantId, contactId }: { tenantId: string; contactId: string }) {
  const add = useAddMemory(tenantId, contactId);
  const [key, setKey] = useState<MemoryKey>('other');
  const [value, setValue] = useState('');
  const errors = formErrors(add.error, ['key', 'value'], { includeGeneral: true });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!value.trim()) return;
    add.mutate({ key, value: value.trim() }, { onSuccess: () => setValue('') });
  }

  return (
    <form onSubmit={submit} aria-label="Add a memory" className="space-y-2">
      <div className="grid gap-2">
        <SelectField
          label="Kind"
          value={key}
          options={KEY_OPTIONS}
          error={errors.fields.key}
          onChange={(event) => {
            if (isMemoryKey(event.target.value)) setKey(event.target.value);
          }}
        />
        <TextField
          label="What to remember"
          value={value}
          maxLength={500}
          error={errors.fields.value}
          placeholder="e.g. prefers WhatsApp"
          onChange={(event) => setValue(event.target.value)}
        />
      </div>
      <FormError message={errors.form} />
      <div className="flex justify-end">
        <Button type="submit" size="sm" loading={add.isPending} disabled={value.trim() === ''}>
          Add memory
        </Button>
      </div>
    </form>
  );
}
