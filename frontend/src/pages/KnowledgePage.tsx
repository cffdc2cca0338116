import { useCollections } from '../api/useKnowledgeCollections';
import { Card, PageHeader } from '../components/Card';
import { AddUrlButton } from '../features/knowledge/AddUrlDialog';
import { DocumentDrawer } from '../features/knowledge/detail/DocumentDrawer';
import { DocumentsSection } from '../features/knowledge/documents/DocumentsSection';
import { useKnowledgeUrl } from '../features/knowledge/documents/useKnowledgeUrl';
import { GraphSection } from '../features/knowledge/graph/GraphSection';
import { PasteTextButton } from '../features/knowledge/PasteTextDialog';
import { SearchPanel } from '../features/knowledge/search/SearchPanel';
import { StatsSection } from '../features/knowledge/stats/StatsSection';
import { UploadArea } from '../features/knowledge/UploadArea';
import { useTenant } from '../layout/tenantContext';

/**
 * The knowledge base: numbers and the embedding model at a glance, adding documents, browsing
 * them by collection, tag and status, the knowledge graph extracted from them, one document in
 * a drawer (named in the URL), and a search to try.
 */
export function KnowledgePage() {
  const { tenantId, canManage } = useTenant();
  const { state, update, documentHref } = useKnowledgeUrl();
  const collections = useCollections(tenantId).data ?? [];
  const target = collections.find((c) => c.id === state.collection);

  return (
    <>
      <PageHeader
        title="Knowledge base"
        description="Documents your agents look answers up in. Each is split into passages and indexed for search."
      />
      {canManage ? null : (
        <p className="mb-gutter rounded-control bg-surface-sunken px-4 py-3 text-sm text-ink-muted">
          You can look but not change: only owners and admins add, edit and delete documents.
        </p>
      )}
      <div className="space-y-section">
        <StatsSection tenantId={tenantId} canManage={canManage} documentHref={documentHref} />
        {canManage ? (
          <Card
            title="Add documents"
            description={target ? `New documents go into ${target.name}.` : undefined}
            actions={
              <div className="flex gap-2">
                <AddUrlButton tenantId={tenantId} collectionId={target?.id} />
                <PasteTextButton tenantId={tenantId} collectionId={target?.id} />
              </div>
            }
          >
            <UploadArea tenantId={tenantId} collectionId={target?.id} />
          </Card>
        ) : null}
        <DocumentsSection
          tenantId={tenantId}
          canManage={canManage}
          state={state}
          onChange={update}
          documentHref={documentHref}
        />
        <GraphSection tenantId={tenantId} documentHref={documentHref} />
        <Card
          title="Search"
          description="Try a question to see which passages an agent would find."
        >
          <SearchPanel tenantId={tenantId} collections={collections} documentHref={documentHref} />
        </Card>
      </div>
      {state.document ? (
        <DocumentDrawer
          key={state.document}
          tenantId={tenantId}
          documentId={state.document}
          collections={collections}
          canManage={canManage}
          onClose={() => update({ document: '' })}
        />
      ) : null}
    </>
  );
}
