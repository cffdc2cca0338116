import { useMemo, useState } from 'react';

import { useDocuments } from '../../../api/useKnowledge';
import type { CollectionRead } from '../../../client';
import { Pager } from '../../../components/Pager';
import { ListSkeleton } from '../../../components/Skeleton';
import { ErrorState } from '../../../components/States';
import { BulkMoveBar } from './BulkMoveBar';
import { DocumentsEmpty } from './DocumentsEmpty';
import { DocumentTable } from './DocumentTable';
import { listParamsOf, type KnowledgeUrlState } from './listParams';
import { TagFilter } from './TagFilter';

export interface DocumentListProps {
  tenantId: string;
  canManage: boolean;
  state: KnowledgeUrlState;
  onChange: (next: Partial<KnowledgeUrlState>) => void;
  documentHref: (documentId: string) => string;
  collections: readonly CollectionRead[];
  /** The selected collection's name, or null. */
  collectionName: string | null;
  /** A collection is selected that the workspace no longer has. */
  collectionMissing: boolean;
}

const NONE: ReadonlySet<string> = new Set();

/** The tag filter, the page of documents (selectable for moving) and the pager. */
export function DocumentList({
  tenantId,
  canManage,
  state,
  onChange,
  documentHref,
  collections,
  collectionName,
  collectionMissing,
}: DocumentListProps) {
  const params = listParamsOf(state);
  const listKey = JSON.stringify(params);
  const documents = useDocuments(tenantId, params);
  // The selection belongs to one page of one filter; another page starts with none.
  const [selection, setSelection] = useState({ key: listKey, ids: NONE });
  const selected = selection.key === listKey ? selection.ids : NONE;
  const items = documents.data?.items;
  const names = useMemo(() => new Map(collections.map((c) => [c.id, c.name])), [collections]);
  const knownTags = useMemo(
    () => [...new Set(items?.flatMap((d) => d.tags) ?? [])].sort((a, b) => a.localeCompare(b)),
    [items],
  );
  const selectedDocuments = items?.filter((d) => selected.has(d.id)) ?? [];

  let body;
  if (documents.isPending) body = <ListSkeleton rows={4} label="Loading documents" />;
  else if (documents.isError) {
    body = <ErrorState error={documents.error} onRetry={() => void documents.refetch()} />;
  } else if (documents.data.items.length === 0) {
    body = (
      <DocumentsEmpty
        state={state}
        collectionName={collectionName}
        collectionMissing={collectionMissing}
        canManage={canManage}
        onChange={onChange}
      />
    );
  } else {
    body = (
      <>
        {selectedDocuments.length > 0 ? (
          <BulkMoveBar
            tenantId={tenantId}
            selected={selectedDocuments}
            collections={collections}
            onDone={() => setSelection({ key: listKey, ids: NONE })}
          />
        ) : null}
        <DocumentTable
          tenantId={tenantId}
          documents={documents.data.items}
          canManage={canManage}
          documentHref={documentHref}
          collectionNames={state.collection ? null : names}
          selected={selected}
          onSelect={(ids) => setSelection({ key: listKey, ids })}
          activeTag={state.tag}
          onPickTag={(tag) => onChange({ tag })}
        />
        <Pager
          page={{ limit: params.limit, offset: params.offset }}
          total={documents.data.total}
          onChange={(page) => onChange({ offset: page.offset })}
          noun="documents"
        />
      </>
    );
  }

  return (
    <>
      <div className="mb-4">
        <TagFilter
          value={state.tag}
          onChange={(tag) => onChange({ tag })}
          suggestions={knownTags}
        />
      </div>
      {body}
    </>
  );
}
