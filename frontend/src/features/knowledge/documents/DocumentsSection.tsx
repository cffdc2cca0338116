import { useCallback, useMemo, useState } from 'react';

import { useCollections } from '../../../api/useKnowledgeCollections';
import { useKnowledgeStats } from '../../../api/useKnowledgeStats';
import type { DocumentStatus } from '../../../client';
import { Button } from '../../../components/Button';
import { Card } from '../../../components/Card';
import {
  SearchStatusFilters,
  type SearchStatusValues,
} from '../../../components/SearchStatusFilters';
import { CollectionDialog } from '../collections/CollectionDialog';
import { CollectionHeader } from '../collections/CollectionHeader';
import { CollectionNav } from '../collections/CollectionNav';
import { DOCUMENT_STATUSES } from '../labels';
import { DocumentList } from './DocumentList';
import type { KnowledgeUrlState } from './listParams';

export interface DocumentsSectionProps {
  tenantId: string;
  canManage: boolean;
  state: KnowledgeUrlState;
  onChange: (next: Partial<KnowledgeUrlState>) => void;
  documentHref: (documentId: string) => string;
}

/** Collections on the side; the selected one's documents, filtered, on the right. */
export function DocumentsSection({
  tenantId,
  canManage,
  state,
  onChange,
  documentHref,
}: DocumentsSectionProps) {
  const collections = useCollections(tenantId);
  const total = useKnowledgeStats(tenantId).data?.total_documents;
  const [creating, setCreating] = useState(false);
  const selected = collections.data?.find((c) => c.id === state.collection) ?? null;
  const filters = useMemo<SearchStatusValues<DocumentStatus>>(
    () => ({ q: state.q, status: state.status }),
    [state.q, state.status],
  );
  const changeFilters = useCallback(
    (next: SearchStatusValues<DocumentStatus>) => onChange(next),
    [onChange],
  );

  return (
    <Card
      title="Documents"
      actions={
        canManage ? (
          <Button variant="secondary" onClick={() => setCreating(true)}>
            New collection
          </Button>
        ) : null
      }
    >
      <div className="grid gap-6 md:grid-cols-4">
        <CollectionNav
          collections={collections.data}
          error={collections.isError ? collections.error : null}
          onRetry={() => void collections.refetch()}
          selected={state.collection}
          onSelect={(collection) => onChange({ collection })}
          total={total}
        />
        <div className="min-w-0 md:col-span-3">
          {selected ? (
            <CollectionHeader
              tenantId={tenantId}
              collection={selected}
              canManage={canManage}
              onDeleted={() => onChange({ collection: '' })}
            />
          ) : null}
          <SearchStatusFilters
            value={filters}
            onChange={changeFilters}
            statuses={DOCUMENT_STATUSES}
            noun="documents"
            placeholder="Search by title or file name"
          />
          <DocumentList
            tenantId={tenantId}
            canManage={canManage}
            state={state}
            onChange={onChange}
            documentHref={documentHref}
            collections={collections.data ?? []}
            collectionName={selected?.name ?? null}
            collectionMissing={
              state.collection !== '' && collections.isSuccess && selected === null
            }
          />
        </div>
      </div>
      {creating ? (
        <CollectionDialog
          tenantId={tenantId}
          collection={null}
          onClose={() => setCreating(false)}
          onSaved={(collection) => onChange({ collection: collection.id })}
        />
      ) : null}
    </Card>
  );
}
