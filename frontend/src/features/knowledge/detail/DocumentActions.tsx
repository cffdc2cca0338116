import { useState } from 'react';

import { isIndexing, useDeleteDocument, useReindexDocument } from '../../../api/useKnowledge';
import type { DocumentRead } from '../../../client';
import { Button } from '../../../components/Button';
import { DeleteDocumentDialog } from '../DeleteDocumentDialog';

export interface DocumentActionsProps {
  tenantId: string;
  document: DocumentRead;
  /** Called once the document is deleted (the drawer closes). */
  onDeleted: () => void;
}

/** Reindex (not while indexing: the API refuses) and Delete, with a confirmation. */
export function DocumentActions({ tenantId, document, onDeleted }: DocumentActionsProps) {
  const reindex = useReindexDocument(tenantId);
  const remove = useDeleteDocument(tenantId);
  const [deleting, setDeleting] = useState(false);
  const busy = isIndexing(document);

  return (
    <div className="flex gap-2">
      <Button
        size="sm"
        variant="secondary"
        loading={reindex.isPending}
        disabled={busy}
        title={busy ? 'Indexing is under way' : 'Read, split and embed the document again'}
        onClick={() => reindex.mutate(document)}
      >
        Reindex
      </Button>
      <Button size="sm" variant="ghost" onClick={() => setDeleting(true)}>
        Delete
      </Button>
      <DeleteDocumentDialog
        document={deleting ? document : null}
        busy={remove.isPending}
        onCancel={() => setDeleting(false)}
        onConfirm={(target) =>
          // The detail may unmount when the document's query goes, so not `mutate`'s callbacks.
          void remove
            .mutateAsync(target)
            .then(onDeleted, () => undefined)
            .finally(() => setDeleting(false))
        }
      />
    </div>
  );
}
