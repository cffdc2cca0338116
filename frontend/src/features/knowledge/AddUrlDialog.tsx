import { useState, type FormEvent } from 'react';

import { formErrors } from '../../api/problem';
import { useAddUrlDocument } from '../../api/useKnowledge';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError, TextField } from '../../components/Field';

export interface AddUrlButtonProps {
  tenantId: string;
  /** The collection the page goes into, or ''. */
  collectionId?: string;
}

/** "Add web page" button and the dialog that adds a public page by its URL. */
export function AddUrlButton({ tenantId, collectionId = '' }: AddUrlButtonProps) {
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState('');
  const [title, setTitle] = useState('');
  const add = useAddUrlDocument(tenantId);
  const errors = formErrors(add.error, ['url', 'title'] as const, { includeGeneral: true });

  function close() {
    setOpen(false);
    setUrl('');
    setTitle('');
    add.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate(
      {
        url: url.trim(),
        ...(title.trim() ? { title: title.trim() } : {}),
        ...(collectionId ? { collection_id: collectionId } : {}),
      },
      { onSuccess: close },
    );
  }

  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Add web page
      </Button>
      <Dialog
        open={open}
        title="Add a web page"
        description="The page is fetched in the background (public addresses only) and indexed like a file."
        onClose={add.isPending ? undefined : close}
      >
        <form onSubmit={submit} className="space-y-4" noValidate>
          <TextField
            label="URL"
            type="url"
            required
            placeholder="https://example.com/pricing"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            error={errors.fields.url}
          />
          <TextField
            label="Title"
            maxLength={300}
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            error={errors.fields.title}
            hint="Optional: the page's own title is used otherwise."
          />
          <FormError message={errors.form} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close} disabled={add.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={add.isPending} disabled={url.trim() === ''}>
              Add page
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
