import type { DocumentRead } from '../../client';
import { ConfirmDialog } from '../../components/ConfirmDialog';

export interface DeleteDocumentDialogProps {
  /** The document to delete; null: closed. */
  document: Pick<DocumentRead, 'id' | 'title'> | null;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (document: Pick<DocumentRead, 'id' | 'title'>) => void;
}

/** "Delete document?" with what it means for agents. */
export function DeleteDocumentDialog({
  document,
  busy,
  onCancel,
  onConfirm,
}: DeleteDocumentDialogProps) {
  return (
    <ConfirmDialog
      open={document !== null}
      title="Delete document?"
      message={
        <>
          “{document?.title}” and its passages are removed; agents stop finding them. This cannot be
          undone.
        </>
      }
      confirmLabel="Delete"
      busy={busy}
      onCancel={onCancel}
      onConfirm={() => {
        if (document) onConfirm(document);
      }}
    />
  );
}
