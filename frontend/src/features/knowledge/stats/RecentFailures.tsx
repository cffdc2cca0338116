import { Link } from 'react-router-dom';

import { useReindexDocument } from '../../../api/useKnowledge';
import type { FailedDocumentRead } from '../../../client';
import { Button } from '../../../components/Button';
import { formatDateTime, formatRelative } from '../../../lib/format';

export interface RecentFailuresProps {
  tenantId: string;
  failures: FailedDocumentRead[];
  canManage: boolean;
  documentHref: (documentId: string) => string;
}

/** The latest failed documents with the reason each failed, to open or retry. */
export function RecentFailures({
  tenantId,
  failures,
  canManage,
  documentHref,
}: RecentFailuresProps) {
  const reindex = useReindexDocument(tenantId);
  if (failures.length === 0) return null;
  return (
    <section aria-labelledby="recent-failures" className="space-y-2">
      <h3 id="recent-failures" className="text-sm font-semibold text-ink">
        Recent failures
      </h3>
      <ul className="divide-y divide-surface-border rounded-control border border-danger/30">
        {failures.map((failure) => (
          <li
            key={failure.id}
            className="flex flex-wrap items-start justify-between gap-3 px-3 py-2"
          >
            <div className="min-w-0 flex-1 text-sm">
              <Link
                to={documentHref(failure.id)}
                className="font-medium text-brand-700 hover:underline"
              >
                {failure.title}
              </Link>
              <p className="text-xs break-words text-danger">
                {failure.last_error ?? 'No reason was recorded.'}
              </p>
              <p className="text-xs text-ink-muted" title={formatDateTime(failure.updated_at)}>
                {formatRelative(failure.updated_at)} ·{' '}
                {failure.attempts === 1 ? '1 attempt' : `${failure.attempts} attempts`}
              </p>
            </div>
            {canManage ? (
              <Button
                size="sm"
                variant="secondary"
                aria-label={`Retry ${failure.title}`}
                loading={reindex.isPending && reindex.variables?.id === failure.id}
                onClick={() => reindex.mutate(failure)}
              >
                Retry
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
