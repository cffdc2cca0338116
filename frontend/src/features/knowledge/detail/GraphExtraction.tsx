import { isIndexing } from '../../../api/useKnowledge';
import { isExtracting, useExtractDocument, useExtraction } from '../../../api/useKnowledgeGraph';
import type { DocumentRead, GraphExtractionRead } from '../../../client';
import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { Skeleton } from '../../../components/Skeleton';
import { ErrorState } from '../../../components/States';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { extractBlocker, extractionStatusInfo } from '../graph/graphData';

function Counts({ extraction }: { extraction: GraphExtractionRead }) {
  const facts: [string, string][] = [
    ['Entities', extraction.entity_count.toLocaleString()],
    ['Facts', extraction.relation_count.toLocaleString()],
    ['Mentions', extraction.mention_count.toLocaleString()],
  ];
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
      {facts.map(([label, value]) => (
        <div key={label} className="flex justify-between gap-3 border-b border-surface-border py-1">
          <dt className="text-ink-muted">{label}</dt>
          <dd className="text-right text-ink tabular-nums">{value}</dd>
        </div>
      ))}
      <div className="flex justify-between gap-3 border-b border-surface-border py-1">
        <dt className="text-ink-muted">Extractor</dt>
        <dd className="min-w-0 text-right text-ink">
          {extraction.extractor ? (
            <code className="font-mono text-xs">{extraction.extractor}</code>
          ) : (
            <span className="text-ink-muted">—</span>
          )}
        </dd>
      </div>
      <div className="flex justify-between gap-3 border-b border-surface-border py-1">
        <dt className="text-ink-muted">Extracted</dt>
        <dd className="text-right text-ink">
          {extraction.extracted_at ? (
            <span title={formatDateTime(extraction.extracted_at)}>
              {formatRelative(extraction.extracted_at)}
            </span>
          ) : (
            <span className="text-ink-muted">Not yet</span>
          )}
        </dd>
      </div>
    </dl>
  );
}

export interface GraphExtractionProps {
  tenantId: string;
  document: DocumentRead;
  canManage: boolean;
}

/**
 * What the knowledge graph took from the document: the extraction's state, the extractor, the
 * counts and, if it failed, why; "Re-extract facts" runs it again. Follows a run live.
 */
export function GraphExtraction({ tenantId, document, canManage }: GraphExtractionProps) {
  const extraction = useExtraction(tenantId, document.id, isIndexing(document));
  const extract = useExtractDocument(tenantId);

  if (extraction.isPending) {
    return (
      <div role="status" aria-busy="true" className="space-y-2">
        <span className="sr-only">Loading the graph extraction…</span>
        <Skeleton className="h-5 w-24" />
        <Skeleton className="h-4 w-2/3" />
      </div>
    );
  }
  if (extraction.isError) {
    return <ErrorState error={extraction.error} onRetry={() => void extraction.refetch()} />;
  }

  const data = extraction.data;
  const info = extractionStatusInfo(data.status);
  const blocker = extractBlocker(document, data);
  return (
    <div className="space-y-3" aria-label="Graph extraction" role="group">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="flex items-center gap-2 text-sm">
          <Badge tone={info.tone}>{info.label}</Badge>
          {isExtracting(data) ? (
            <span className="text-xs text-brand-700">
              Extracting entities and facts; this updates by itself.
            </span>
          ) : null}
          {data.status === null ? (
            <span className="text-xs text-ink-muted">
              {isIndexing(document)
                ? 'Facts are extracted once the document is indexed.'
                : 'This document has not been through the graph yet.'}
            </span>
          ) : null}
        </p>
        {canManage ? (
          <Button
            size="sm"
            variant="secondary"
            loading={extract.isPending}
            disabled={blocker !== null}
            title={blocker ?? 'Extract entities and facts again from the current passages'}
            onClick={() => extract.mutate(document.id)}
          >
            {data.status === null ? 'Extract facts' : 'Re-extract facts'}
          </Button>
        ) : null}
      </div>
      {data.status === 'failed' ? (
        <div
          role="alert"
          className="rounded-control border border-danger/30 bg-danger-soft px-4 py-3"
        >
          <p className="text-sm font-semibold text-danger-strong">
            Extraction failed{data.attempts > 1 ? ` after ${data.attempts} attempts` : ''}
          </p>
          <p className="mt-1 font-mono text-xs break-words whitespace-pre-wrap text-danger-strong">
            {data.last_error ?? 'No reason was recorded.'}
          </p>
          <p className="mt-2 text-xs text-danger-strong">
            Its passages are still searched; the graph has no new facts from it.
          </p>
        </div>
      ) : null}
      {isExtracting(data) && data.last_error ? (
        <p className="text-xs text-warning-strong">Last attempt: {data.last_error}</p>
      ) : null}
      {data.status !== null ? <Counts extraction={data} /> : null}
    </div>
  );
}
