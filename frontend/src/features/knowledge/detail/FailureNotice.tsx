import { useReindexDocument } from '../../../api/useKnowledge';
import type { DocumentRead } from '../../../client';
import { Button } from '../../../components/Button';

/** Why indexing failed, in the worker's words, with Retry. */
export function FailureNotice({
  tenantId,
  document,
  canManage,
}: {
  tenantId: string;
  document: DocumentRead;
  canManage: boolean;
}) {
  const reindex = useReindexDocument(tenantId);
  if (document.status !== 'failed') return null;
  return (
    <div role="alert" className="rounded-control border border-danger/30 bg-danger-soft px-4 py-3">
      <p className="text-sm font-semibold text-danger-strong">
        Indexing failed
        {document.attempts > 1 ? ` after ${document.attempts} attempts` : ''}
      </p>
      <p className="mt-1 font-mono text-xs break-words whitespace-pre-wrap text-danger-strong">
        {document.last_error ?? 'No reason was recorded.'}
      </p>
      <p className="mt-2 text-xs text-danger-strong">
        {document.chunk_count > 0
          ? `The ${document.chunk_count} passages it had before are still searched.`
          : 'Agents cannot find this document until indexing succeeds.'}
      </p>
      {canManage ? (
        <Button
          size="sm"
          variant="secondary"
          className="mt-3"
          loading={reindex.isPending}
          onClick={() => reindex.mutate(document)}
        >
          Retry indexing
        </Button>
      ) : null}
    </div>
  );
}
