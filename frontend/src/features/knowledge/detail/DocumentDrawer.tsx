import { ApiError } from '../../../api/problem';
import { useDocument } from '../../../api/useKnowledge';
import type { CollectionRead } from '../../../client';
import { Button } from '../../../components/Button';
import { FormSkeleton, Skeleton } from '../../../components/Skeleton';
import { EmptyState, ErrorState } from '../../../components/States';
import { DocumentDetail } from './DocumentDetail';
import { Drawer } from './Drawer';

export interface DocumentDrawerProps {
  tenantId: string;
  documentId: string;
  collections: readonly CollectionRead[];
  canManage: boolean;
  onClose: () => void;
}

/** The document named in the URL, in a panel over the list; it follows indexing live. */
export function DocumentDrawer({
  tenantId,
  documentId,
  collections,
  canManage,
  onClose,
}: DocumentDrawerProps) {
  const document = useDocument(tenantId, documentId);

  let body;
  if (document.isPending) {
    body = (
      <div className="space-y-6">
        <Skeleton className="h-6 w-24" />
        <FormSkeleton fields={3} />
      </div>
    );
  } else if (document.isError) {
    body =
      document.error instanceof ApiError && document.error.status === 404 ? (
        <EmptyState
          title="Document not found"
          action={
            <Button variant="secondary" onClick={onClose}>
              Back to the list
            </Button>
          }
        >
          It may have been deleted.
        </EmptyState>
      ) : (
        <ErrorState error={document.error} onRetry={() => void document.refetch()} />
      );
  } else {
    body = (
      <DocumentDetail
        tenantId={tenantId}
        document={document.data}
        collections={collections}
        canManage={canManage}
        onDeleted={onClose}
      />
    );
  }

  return (
    <Drawer title={document.data?.title ?? 'Document'} onClose={onClose}>
      {body}
    </Drawer>
  );
}
