import { useId, useState } from 'react';

import { useKnowledgeIndex, useRebuildIndex } from '../../../api/useKnowledgeIndex';
import type { EmbeddingModelRead, KnowledgeIndexRead } from '../../../client';
import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { Skeleton } from '../../../components/Skeleton';
import { ErrorState } from '../../../components/States';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { endpointLabel, isLocalModel, rebuildCost, reembedProgress, sameModel } from './indexData';

function ModelName({ model }: { model: EmbeddingModelRead }) {
  return <code className="font-mono text-xs text-ink">{model.model}</code>;
}

/** The model that serves searches: its name, and local (offline) or whose it is. */
function ActiveModel({ model }: { model: EmbeddingModelRead }) {
  const where = endpointLabel(model);
  return (
    <div className="space-y-0.5">
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-ink-muted">Searches use</span>
        <ModelName model={model} />
        {isLocalModel(model) ? (
          <Badge>Local · offline</Badge>
        ) : (
          <Badge tone="brand">Provider</Badge>
        )}
      </p>
      <p className="text-xs text-ink-muted">
        {where
          ? `Served by ${where}; embedding new passages and questions spends its tokens.`
          : 'Runs on this server: no text leaves it and no provider tokens are spent.'}
      </p>
    </div>
  );
}

function Reembedding({ index }: { index: KnowledgeIndexRead }) {
  const { done, total, percent } = reembedProgress(index);
  const target = index.target ?? index.configured;
  return (
    <div className="space-y-1.5 rounded-control bg-brand-50 px-4 py-3 text-sm text-brand-800">
      <p className="flex justify-between gap-3">
        <span>
          Re-embedding {done.toLocaleString()} of {total.toLocaleString()} chunks with{' '}
          <ModelName model={target} /> — searches keep using <ModelName model={index.active} />{' '}
          until it finishes.
        </span>
        <span className="shrink-0 tabular-nums">{percent} %</span>
      </p>
      <div
        role="progressbar"
        aria-label="Re-embedding progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${done.toLocaleString()} of ${total.toLocaleString()} chunks`}
        className="h-1.5 overflow-hidden rounded-pill bg-surface"
      >
        <div
          className="h-full rounded-pill bg-brand-500 transition-[width] duration-500"
          style={{ width: `${percent}%` }}
        />
      </div>
      <p className="text-xs">This panel updates by itself.</p>
    </div>
  );
}

function ReembedFailure({
  index,
  canManage,
  retrying,
  onRetry,
}: {
  index: KnowledgeIndexRead;
  canManage: boolean;
  retrying: boolean;
  onRetry: () => void;
}) {
  const target = index.target ?? index.configured;
  return (
    <div role="alert" className="rounded-control border border-danger/30 bg-danger-soft px-4 py-3">
      <p className="text-sm font-semibold text-danger-strong">
        Re-embedding with {target.model} failed
        {index.attempts > 1 ? ` after ${index.attempts} attempts` : ''}
      </p>
      <p className="mt-1 font-mono text-xs break-words whitespace-pre-wrap text-danger-strong">
        {index.last_error ?? 'No reason was recorded.'}
      </p>
      <p className="mt-2 text-xs text-danger-strong">
        Searches keep using {index.active.model}; nothing was lost.
      </p>
      {canManage ? (
        <Button size="sm" variant="secondary" className="mt-3" loading={retrying} onClick={onRetry}>
          Retry
        </Button>
      ) : null}
    </div>
  );
}

export interface EmbeddingIndexPanelProps {
  tenantId: string;
  canManage: boolean;
  /** The knowledge base's tokens, to say what embedding it all again costs (unknown: omitted). */
  totalTokens?: number;
}

/**
 * Which embedding model serves searches, and a move to another one: its progress while the
 * passages are embedded again, why it failed (with Retry), and "Re-embed everything".
 */
export function EmbeddingIndexPanel({
  tenantId,
  canManage,
  totalTokens,
}: EmbeddingIndexPanelProps) {
  const titleId = useId();
  const index = useKnowledgeIndex(tenantId);
  const rebuild = useRebuildIndex(tenantId);
  const [confirming, setConfirming] = useState(false);

  let body;
  if (index.isPending) {
    body = (
      <div role="status" aria-busy="true" className="space-y-2">
        <span className="sr-only">Loading the embedding model…</span>
        <Skeleton className="h-4 w-2/3" />
        <Skeleton className="h-3 w-1/2" />
      </div>
    );
  } else if (index.isError) {
    body = <ErrorState error={index.error} onRetry={() => void index.refetch()} />;
  } else {
    const data = index.data;
    const pending = data.state === 'ready' && !sameModel(data.active, data.configured);
    body = (
      <div className="space-y-3">
        <ActiveModel model={data.active} />
        {data.state === 'building' ? <Reembedding index={data} /> : null}
        {data.state === 'failed' ? (
          <ReembedFailure
            index={data}
            canManage={canManage}
            retrying={rebuild.isPending}
            onRetry={() => rebuild.mutate()}
          />
        ) : null}
        {pending ? (
          <p className="rounded-control bg-warning-soft px-3 py-2 text-xs text-warning-strong">
            The AI settings now choose <ModelName model={data.configured} />; searches use{' '}
            <ModelName model={data.active} /> until the knowledge base is embedded again with it.
          </p>
        ) : null}
        {data.state === 'ready' && data.finished_at ? (
          <p className="text-xs text-ink-muted" title={formatDateTime(data.finished_at)}>
            Last re-embedded {formatRelative(data.finished_at)}.
          </p>
        ) : null}
      </div>
    );
  }

  const data = index.data;
  return (
    <section
      aria-labelledby={titleId}
      className="space-y-3 rounded-control border border-surface-border px-4 py-3"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <h3 id={titleId} className="text-sm font-semibold text-ink">
          Embedding model
        </h3>
        {canManage && data && data.state !== 'building' ? (
          <Button size="sm" variant="secondary" onClick={() => setConfirming(true)}>
            Re-embed everything
          </Button>
        ) : null}
      </div>
      {body}
      {data ? (
        <ConfirmDialog
          open={confirming}
          title="Re-embed everything?"
          message={
            <>
              <span className="block">
                Every passage ({data.chunks_total.toLocaleString()} chunks) is embedded again with{' '}
                {data.configured.model}. Searches keep using {data.active.model} until all of them
                are done.
              </span>
              <span className="mt-2 block">{rebuildCost(data.configured, totalTokens)}</span>
            </>
          }
          confirmLabel="Re-embed everything"
          confirmVariant="primary"
          busy={rebuild.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => rebuild.mutate(undefined, { onSettled: () => setConfirming(false) })}
        />
      ) : null}
    </section>
  );
}
