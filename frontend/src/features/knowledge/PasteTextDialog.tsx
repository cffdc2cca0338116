import { useState, type FormEvent } from 'react';

import { formErrors } from '../../api/problem';
import { useAddTextDocument } from '../../api/useKnowledge';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError, TextAreaField, TextField } from '../../components/Field';

export interface PasteTextButtonProps {
  tenantId: string;
  /** The collection the text goes into, or ''. */
  collectionId?: string;
}

/** "Paste text" button and the dialog that adds the text (Markdown is recognised) as a document. */
export function PasteTextButton({ tenantId, collectionId = '' }: PasteTextButtonProps) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const add = useAddTextDocument(tenantId);
  const errors = formErrors(add.error, ['title', 'text'] as const, { includeGeneral: true });

  function close() {
    setOpen(false);
    setTitle('');
    setText('');
    add.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate(
      { title: title.trim(), text, ...(collectionId ? { collection_id: collectionId } : {}) },
      { onSuccess: close },
    );
  }

  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Paste text
      </Button>
      <Dialog
        open={open}
        title="Paste text"
        description="Add text as a document, e.g. a FAQ or price list. Markdown headings are kept."
        onClose={add.isPending ? undefined : close}
        wide
      >
        <form onSubmit={submit} className="space-y-4">
          <TextField
            label="Title"
            required
            maxLength={300}
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            error={errors.fields.title}
          />
          <TextAreaField
            label="Text"
            required
            rows={12}
            value={text}
            onChange={(event) => setText(event.target.value)}
            error={errors.fields.text}
          />
          <FormError message={errors.form} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close} disabled={add.isPending}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={add.isPending}
              disabled={title.trim() === '' || text.trim() === ''}
            >
              Add document
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
