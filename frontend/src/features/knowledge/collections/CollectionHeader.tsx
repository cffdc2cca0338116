import { useState } from 'react';

import { useDeleteCollection, useReindexCollection } from '../../../api/useKnowledgeCollections';
import type { CollectionRead } from '../../../client';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { CollectionDialog } from './CollectionDialog';

export interface CollectionHeaderProps {
  tenantId: string;
  collection: CollectionRead;
  canManage: boolean;
  /** Called once the collection is deleted (the list goes back to every document). */
  onDeleted: () => void;
}

/** The selected collection's name and description, with Reindex, Rename and Delete. */
export function CollectionHeader({
  tenantId,
  collection,
  canManage,
  onDeleted,
}: CollectionHeaderProps) {
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [reindexing, setReindexing] = useState(false);
  const remove = useDeleteCollection(tenantId);
  const reindex = useReindexCollection(tenantId);
  const count = collection.document_count;

  return (
    <div className="mb-4 flex flex-wrap items-start justify-between gap-3 border-b border-surface-border pb-3">
      <div className="min-w-0">
        <h3 className="text-sm font-semibold text-ink">{collection.name}</h3>
        {collection.description ? (
          <p className="text-xs text-ink-muted">{collection.description}</p>
        ) : null}
      </div>
      {canManage ? (
        <div className="flex gap-2">
          <Button
            size="sm"
            variant="secondary"
            disabled={count === 0}
            title={count === 0 ? 'The collection has no documents' : undefined}
            onClick={() => setReindexing(true)}
          >
            Reindex collection
          </Button>
          <Button size="sm" variant="secondary" onClick={() => setRenaming(true)}>
            Rename
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setDeleting(true)}>
            Delete collection
          </Button>
        </div>
      ) : null}
      {renaming ? (
        <CollectionDialog
          tenantId={tenantId}
          collection={collection}
          onClose={() => setRenaming(false)}
        />
      ) : null}
      <ConfirmDialog
        open={reindexing}
        title={`Reindex ${collection.name}?`}
        message={`${count === 1 ? 'Its document is' : `Its ${count} documents are`} read, split and embedded again; the current passages keep serving until each is replaced. Documents being indexed now are left alone. With a provider's embedding model this spends its tokens.`}
        confirmLabel="Reindex"
        confirmVariant="primary"
        busy={reindex.isPending}
        onCancel={() => setReindexing(false)}
        onConfirm={() => reindex.mutate(collection, { onSettled: () => setReindexing(false) })}
      />
      <ConfirmDialog
        open={deleting}
        title={`Delete ${collection.name}?`}
        message={
          count > 0
            ? `Its ${count === 1 ? 'document stays' : `${count} documents stay`} in the knowledge base, outside any collection. Agents limited to this collection lose access to ${count === 1 ? 'it' : 'them'}.`
            : 'The collection is empty; nothing else changes.'
        }
        confirmLabel="Delete collection"
        busy={remove.isPending}
        onCancel={() => setDeleting(false)}
        onConfirm={() =>
          // Not `mutate`'s callbacks: this header unmounts once the list no longer has the
          // collection, which can be before they would run. The error is a toast already.
          void remove
            .mutateAsync(collection)
            .then(onDeleted, () => undefined)
            .finally(() => setDeleting(false))
        }
      />
    </div>
  );
}
