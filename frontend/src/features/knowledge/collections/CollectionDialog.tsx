import { useState, type FormEvent } from 'react';

import { formErrors } from '../../../api/problem';
import { useCreateCollection, useUpdateCollection } from '../../../api/useKnowledgeCollections';
import type { CollectionRead } from '../../../client';
import { Button } from '../../../components/Button';
import { Dialog } from '../../../components/Dialog';
import { FormError, TextAreaField, TextField } from '../../../components/Field';
import { collectionChanges } from './collectionChanges';

const FIELDS = ['name', 'description'] as const;

export interface CollectionDialogProps {
  tenantId: string;
  /** The collection to rename; null creates one. */
  collection: CollectionRead | null;
  onClose: () => void;
  /** Called with the created or saved collection. */
  onSaved?: (collection: CollectionRead) => void;
}

/** Creates a collection, or renames and describes one; a taken name is shown at the field. */
export function CollectionDialog({
  tenantId,
  collection,
  onClose,
  onSaved,
}: CollectionDialogProps) {
  const [name, setName] = useState(collection?.name ?? '');
  const [description, setDescription] = useState(collection?.description ?? '');
  const create = useCreateCollection(tenantId);
  const update = useUpdateCollection(tenantId);
  const mutation = collection ? update : create;
  const errors = formErrors(mutation.error, FIELDS, { includeGeneral: true });

  function done(saved: CollectionRead) {
    onSaved?.(saved);
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (name.trim() === '') return;
    if (!collection) {
      create.mutate({ name: name.trim(), description: description.trim() }, { onSuccess: done });
      return;
    }
    const body = collectionChanges(collection, { name, description });
    if (body === null) onClose();
    else update.mutate({ id: collection.id, body }, { onSuccess: done });
  }

  return (
    <Dialog
      open
      title={collection ? `Rename ${collection.name}` : 'New collection'}
      description="Collections group documents, e.g. by product or team. Agents and search can be limited to some of them."
      onClose={mutation.isPending ? undefined : onClose}
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField
          label="Name"
          required
          maxLength={200}
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={errors.fields.name}
        />
        <TextAreaField
          label="Description"
          rows={3}
          maxLength={2000}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          error={errors.fields.description}
          hint="Optional: what belongs here."
        />
        <FormError message={errors.form} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending} disabled={name.trim() === ''}>
            {collection ? 'Save' : 'Create collection'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
