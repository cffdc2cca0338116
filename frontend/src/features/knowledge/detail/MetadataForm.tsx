import { useState, type FormEvent } from 'react';

import { formErrors } from '../../../api/problem';
import { useUpdateDocument } from '../../../api/useKnowledge';
import type { CollectionRead, DocumentRead } from '../../../client';
import { Button } from '../../../components/Button';
import { FormError, SelectField, TextField } from '../../../components/Field';
import { ListInput } from '../../../components/ListInput';
import { tagProblem } from '../labels';
import { metadataChanges, metadataOf, type MetadataValues } from './metadataChanges';

const FIELDS = ['title', 'collection_id', 'tags'] as const;

export interface MetadataFormProps {
  tenantId: string;
  document: DocumentRead;
  collections: readonly CollectionRead[];
  readOnly: boolean;
}

/**
 * Title, collection and tags. Only what changed is sent; the form starts from the document as
 * it was when opened, so the progress of indexing does not overwrite an edit in progress.
 */
export function MetadataForm({ tenantId, document, collections, readOnly }: MetadataFormProps) {
  const [values, setValues] = useState<MetadataValues>(() => metadataOf(document));
  const update = useUpdateDocument(tenantId);
  const errors = formErrors(update.error, FIELDS, { includeGeneral: true });
  const changes = metadataChanges(document, values);

  function set<K extends keyof MetadataValues>(key: K, value: MetadataValues[K]) {
    setValues((current) => ({ ...current, [key]: value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!changes) return;
    update.mutate(
      { id: document.id, body: changes },
      { onSuccess: (saved) => setValues(metadataOf(saved)) },
    );
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Document details">
      <TextField
        label="Title"
        required
        maxLength={300}
        value={values.title}
        disabled={readOnly}
        onChange={(event) => set('title', event.target.value)}
        error={
          errors.fields.title ?? (values.title.trim() === '' ? 'A title is required' : undefined)
        }
      />
      <SelectField
        label="Collection"
        value={values.collectionId}
        disabled={readOnly}
        onChange={(event) => set('collectionId', event.target.value)}
        options={[
          { value: '', label: 'No collection' },
          ...collections.map((c) => ({ value: c.id, label: c.name })),
        ]}
        error={errors.fields.collection_id}
      />
      <ListInput
        label="Tags"
        values={values.tags}
        onChange={(tags) => set('tags', tags)}
        validate={(tag) => tagProblem(tag, values.tags)}
        placeholder="Add a tag and press Enter"
        hint="Search and agents can be limited to documents with some tags."
        error={errors.fields.tags}
        disabled={readOnly}
      />
      <FormError message={errors.form} />
      {readOnly ? null : (
        <div className="flex justify-end gap-2">
          <Button
            variant="secondary"
            disabled={!changes || update.isPending}
            onClick={() => {
              setValues(metadataOf(document));
              update.reset();
            }}
          >
            Undo changes
          </Button>
          <Button type="submit" loading={update.isPending} disabled={!changes}>
            Save details
          </Button>
        </div>
      )}
    </form>
  );
}
