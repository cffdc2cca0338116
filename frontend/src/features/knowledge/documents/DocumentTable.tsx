import { useState } from 'react';

import { useDeleteDocument, useReindexDocument } from '../../../api/useKnowledge';
import type { DocumentRead } from '../../../client';
import { TableScroll } from '../../../components/TableScroll';
import { DeleteDocumentDialog } from '../DeleteDocumentDialog';
import { DocumentRow } from './DocumentRow';

export interface DocumentTableProps {
  tenantId: string;
  documents: DocumentRead[];
  canManage: boolean;
  documentHref: (documentId: string) => string;
  /** Collection names by id; null when the list shows one collection (no need to repeat it). */
  collectionNames: ReadonlyMap<string, string> | null;
  selected: ReadonlySet<string>;
  onSelect: (ids: ReadonlySet<string>) => void;
  activeTag: string;
  onPickTag: (tag: string) => void;
}

/** Documents with status, live progress, the error of failed ones, Retry and Delete. */
export function DocumentTable({
  tenantId,
  documents,
  canManage,
  documentHref,
  collectionNames,
  selected,
  onSelect,
  activeTag,
  onPickTag,
}: DocumentTableProps) {
  const reindex = useReindexDocument(tenantId);
  const remove = useDeleteDocument(tenantId);
  const [deleting, setDeleting] = useState<DocumentRead | null>(null);
  const allSelected = documents.length > 0 && documents.every((d) => selected.has(d.id));

  function toggle(id: string) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect(next);
  }

  return (
    <>
      <TableScroll>
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-ink-muted uppercase">
            <tr>
              {canManage ? (
                <th className="w-6 pr-3 pb-2 font-medium">
                  <input
                    type="checkbox"
                    checked={allSelected}
                    onChange={() =>
                      onSelect(allSelected ? new Set() : new Set(documents.map((d) => d.id)))
                    }
                    aria-label="Select every document on this page"
                    className="size-4 accent-brand-600"
                  />
                </th>
              ) : null}
              <th className="pb-2 font-medium">Document</th>
              <th className="pb-2 font-medium">Status</th>
              <th className="pb-2 font-medium">Added</th>
              <th className="pb-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-surface-border">
            {documents.map((document) => (
              <DocumentRow
                key={document.id}
                document={document}
                href={documentHref(document.id)}
                collectionName={
                  document.collection_id
                    ? (collectionNames?.get(document.collection_id) ?? null)
                    : null
                }
                canManage={canManage}
                selected={selected.has(document.id)}
                onToggle={() => toggle(document.id)}
                activeTag={activeTag}
                onPickTag={onPickTag}
                retrying={reindex.isPending && reindex.variables?.id === document.id}
                onRetry={() => reindex.mutate(document)}
                onDelete={() => setDeleting(document)}
              />
            ))}
          </tbody>
        </table>
      </TableScroll>
      <DeleteDocumentDialog
        document={deleting}
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={(document) => remove.mutate(document, { onSettled: () => setDeleting(null) })}
      />
    </>
  );
}
