import { useState } from 'react';

import type { PageParams } from '../../../api/keys';
import { isIndexing } from '../../../api/useKnowledge';
import { useChunks } from '../../../api/useKnowledgeChunks';
import type { DocumentRead } from '../../../client';
import { Pager } from '../../../components/Pager';
import { ListSkeleton } from '../../../components/Skeleton';
import { EmptyState, ErrorState } from '../../../components/States';
import { ChunkItem } from './ChunkItem';

export const CHUNK_PAGE_SIZE = 10;

export interface ChunkListProps {
  tenantId: string;
  document: DocumentRead;
  canManage: boolean;
}

function emptyMessage(document: DocumentRead): string {
  if (isIndexing(document)) return 'Passages appear once the document has been split and embedded.';
  if (document.status === 'failed') return 'Indexing failed before any passage was stored.';
  return 'No text was found in this document.';
}

/** The document's passages in order, a page at a time, each one editable. */
export function ChunkList({ tenantId, document, canManage }: ChunkListProps) {
  const [page, setPage] = useState<PageParams>({ limit: CHUNK_PAGE_SIZE, offset: 0 });
  const chunks = useChunks(tenantId, document, page);
  const locked = isIndexing(document) ? 'Passages can be edited once indexing has finished.' : null;

  if (chunks.isPending) return <ListSkeleton rows={3} label="Loading passages" />;
  if (chunks.isError) {
    return <ErrorState error={chunks.error} onRetry={() => void chunks.refetch()} />;
  }
  if (chunks.data.items.length === 0) {
    return <EmptyState title="No passages yet">{emptyMessage(document)}</EmptyState>;
  }
  return (
    <div>
      {locked && canManage ? <p className="mb-2 text-xs text-ink-muted">{locked}</p> : null}
      <ol aria-label="Passages" className="divide-y divide-surface-border">
        {chunks.data.items.map((chunk) => (
          <ChunkItem
            key={chunk.id}
            tenantId={tenantId}
            chunk={chunk}
            canManage={canManage}
            locked={locked}
          />
        ))}
      </ol>
      <Pager page={page} total={chunks.data.total} onChange={setPage} noun="passages" />
    </div>
  );
}
