import { useCallback, useState } from 'react';

import type { DocumentListParams } from '../api/keys';
import { useDocuments } from '../api/useKnowledge';
import { Button } from '../components/Button';
import { Card, PageHeader } from '../components/Card';
import { Pager } from '../components/Pager';
import { ListSkeleton } from '../components/Skeleton';
import { EmptyState, ErrorState } from '../components/States';
import { SearchStatusFilters, type SearchStatusValues } from '../components/SearchStatusFilters';
import { DocumentTable } from '../features/knowledge/DocumentTable';
import { DOCUMENT_STATUSES, SUPPORTED_FORMATS } from '../features/knowledge/labels';
import { PasteTextButton } from '../features/knowledge/PasteTextDialog';
import { SearchPanel } from '../features/knowledge/SearchPanel';
import { UploadArea } from '../features/knowledge/UploadArea';
import { useTenantId } from '../layout/useTenantId';

const PAGE_SIZE = 25;

export function KnowledgePage() {
  const tenantId = useTenantId();
  const [params, setParams] = useState<DocumentListParams>({
    q: '',
    status: '',
    limit: PAGE_SIZE,
    offset: 0,
  });
  const documents = useDocuments(tenantId, params);
  const filtered = params.q !== '' || params.status !== '';
  const changeFilters = useCallback(
    (next: SearchStatusValues) => setParams((current) => ({ ...current, ...next, offset: 0 })),
    [],
  );

  return (
    <>
      <PageHeader
        title="Knowledge"
        description="Documents your agents look answers up in. Each is split into passages and indexed for search."
      />
      <div className="space-y-section">
        <Card title="Add documents" actions={<PasteTextButton tenantId={tenantId} />}>
          <UploadArea tenantId={tenantId} />
        </Card>
        <Card title="Documents">
          <SearchStatusFilters
            value={{ q: params.q, status: params.status }}
            onChange={changeFilters}
            statuses={DOCUMENT_STATUSES}
            noun="documents"
            placeholder="Search by title"
          />
          {documents.isPending ? (
            <ListSkeleton rows={4} label="Loading documents" />
          ) : documents.isError ? (
            <ErrorState error={documents.error} onRetry={() => void documents.refetch()} />
          ) : documents.data.items.length === 0 ? (
            filtered ? (
              <EmptyState
                title="No documents match"
                action={
                  <Button variant="secondary" onClick={() => changeFilters({ q: '', status: '' })}>
                    Clear filters
                  </Button>
                }
              >
                Nothing has “{params.q || 'that'}” in its title
                {params.status ? ` with status ${params.status}` : ''}.
              </EmptyState>
            ) : (
              <EmptyState title="No documents yet">
                Upload {SUPPORTED_FORMATS} files (drop them above or choose them), or paste text.
                They are indexed in the background; agents find them once they are ready.
              </EmptyState>
            )
          ) : (
            <>
              <DocumentTable tenantId={tenantId} documents={documents.data.items} />
              <Pager
                page={{ limit: params.limit, offset: params.offset }}
                total={documents.data.total}
                onChange={(page) => setParams((current) => ({ ...current, offset: page.offset }))}
                noun="documents"
              />
            </>
          )}
        </Card>
        <Card
          title="Search"
          description="Try a question to see which passages an agent would find."
        >
          <SearchPanel tenantId={tenantId} />
        </Card>
      </div>
    </>
  );
}
