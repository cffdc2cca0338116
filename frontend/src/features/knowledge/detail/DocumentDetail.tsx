import type { ReactNode } from 'react';

import type { CollectionRead, DocumentRead } from '../../../client';
import { Badge } from '../../../components/Badge';
import { documentStatusInfo } from '../labels';
import { ChunkList } from './ChunkList';
import { DocumentActions } from './DocumentActions';
import { DocumentFacts } from './DocumentFacts';
import { FailureNotice } from './FailureNotice';
import { GraphExtraction } from './GraphExtraction';
import { IndexingProgress } from './IndexingProgress';
import { MetadataForm } from './MetadataForm';

export interface DocumentDetailProps {
  tenantId: string;
  document: DocumentRead;
  collections: readonly CollectionRead[];
  canManage: boolean;
  onDeleted: () => void;
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-3">
      <h3 className="text-sm font-semibold text-ink">{title}</h3>
      {children}
    </section>
  );
}

/**
 * Everything about one document: state, failure, details to edit, facts, what the knowledge
 * graph took from it, and passages.
 */
export function DocumentDetail({
  tenantId,
  document,
  collections,
  canManage,
  onDeleted,
}: DocumentDetailProps) {
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <Badge tone={documentStatusInfo(document.status).tone}>
          {documentStatusInfo(document.status).label}
        </Badge>
        {canManage ? (
          <DocumentActions tenantId={tenantId} document={document} onDeleted={onDeleted} />
        ) : null}
      </div>
      <FailureNotice tenantId={tenantId} document={document} canManage={canManage} />
      <IndexingProgress document={document} />
      <Section title="Details">
        <MetadataForm
          // A change saved elsewhere starts the form again; indexing progress does not.
          key={[document.id, document.title, document.collection_id, ...document.tags].join('|')}
          tenantId={tenantId}
          document={document}
          collections={collections}
          readOnly={!canManage}
        />
      </Section>
      <Section title="About">
        <DocumentFacts document={document} />
      </Section>
      <Section title="Knowledge graph">
        <GraphExtraction tenantId={tenantId} document={document} canManage={canManage} />
      </Section>
      <Section title="Passages">
        <ChunkList tenantId={tenantId} document={document} canManage={canManage} />
      </Section>
    </div>
  );
}
