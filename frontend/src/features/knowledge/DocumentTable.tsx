import { useState } from 'react';

import { useDeleteDocument, useReindexDocument } from '../../api/useKnowledge';
import type { DocumentRead } from '../../client';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatDateTime, formatRelative } from '../../lib/format';
import { DocumentStatusCell } from './DocumentStatus';
import { formatBytes } from './labels';

function Details({ document }: { document: DocumentRead }) {
  const parts = [
    document.page_count !== null ? `${document.page_count} pages` : null,
    document.status === 'ready' ? `${document.chunk_count} chunks` : null,
    document.status === 'ready' ? `${document.token_count} tokens` : null,
    document.source_kind === 'text' ? 'pasted text' : formatBytes(document.size_bytes),
  ].filter(Boolean);
  return <span className="block text-xs text-ink-muted">{parts.join(' · ')}</span>;
}

export interface DocumentTableProps {
  tenantId: string;
  documents: DocumentRead[];
}

/** Documents with status, live progress, the error of failed ones, Retry and Delete. */
export function DocumentTable({ tenantId, documents }: DocumentTableProps) {
  const reindex = useReindexDocument(tenantId);
  const remove = useDeleteDocument(tenantId);
  const [deleting, setDeleting] = useState<DocumentRead | null>(null);

  return (
    <>
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-ink-muted uppercase">
          <tr>
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
            <tr key={document.id} className="align-top">
              <td className="py-3 pr-4">
                <span className="font-medium text-ink">{document.title}</span>
                {document.filename && document.filename !== document.title ? (
                  <span className="block text-xs text-ink-subtle">{document.filename}</span>
                ) : null}
                <Details document={document} />
                {document.status === 'failed' && document.last_error ? (
                  <p className="mt-1 text-xs text-danger" role="note">
                    {document.last_error}
                    {document.attempts > 1 ? ` (after ${document.attempts} attempts)` : ''}
                  </p>
                ) : null}
              </td>
              <td className="py-3 pr-4">
                <DocumentStatusCell document={document} />
              </td>
              <td className="py-3 pr-4 text-ink-muted" title={formatDateTime(document.created_at)}>
                {formatRelative(document.created_at)}
              </td>
              <td className="py-3 text-right whitespace-nowrap">
                {document.status === 'failed' ? (
                  <Button
                    size="sm"
                    variant="secondary"
                    aria-label={`Retry ${document.title}`}
                    loading={reindex.isPending && reindex.variables?.id === document.id}
                    onClick={() => reindex.mutate(document)}
                  >
                    Retry
                  </Button>
                ) : null}{' '}
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Delete ${document.title}`}
                  onClick={() => setDeleting(document)}
                >
                  Delete
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete document?"
        message={
          <>
            “{deleting?.title}” and its passages are removed; agents stop finding them. This cannot
            be undone.
          </>
        }
        confirmLabel="Delete"
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          if (deleting) remove.mutate(deleting, { onSettled: () => setDeleting(null) });
        }}
      />
    </>
  );
}
