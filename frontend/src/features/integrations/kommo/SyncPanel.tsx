import { isActive, SYNC_KINDS, useKommoSyncs, useSyncKommoNow } from '../../../api/useKommoSync';
import type { SyncKind, SyncRunRead, SyncStatus } from '../../../client';
import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { ListSkeleton } from '../../../components/Skeleton';
import { ErrorState } from '../../../components/States';
import { formatDateTime, formatRelative } from '../../../lib/format';

const KIND_LABELS: Record<SyncKind, string> = {
  pipelines: 'Pipelines and stages',
  custom_fields: 'Custom fields',
  users: 'Users',
  sources: 'Lead sources',
};

const STATUS: Record<
  SyncStatus,
  { label: string; tone: 'neutral' | 'brand' | 'success' | 'danger' }
> = {
  queued: { label: 'Queued', tone: 'neutral' },
  running: { label: 'Running', tone: 'brand' },
  done: { label: 'Done', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
};

function Progress({ run }: { run: SyncRunRead }) {
  const total = run.progress_total;
  const percent = total ? Math.round((Math.min(run.progress_done, total) / total) * 100) : null;
  return (
    <div
      role="progressbar"
      aria-label={`${KIND_LABELS[run.kind]}: ${STATUS[run.status].label.toLowerCase()}`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      className="mt-1.5 h-1.5 w-full max-w-48 overflow-hidden rounded-pill bg-surface-sunken"
    >
      <div
        className={`h-full rounded-pill bg-brand-500 transition-[width] duration-500 ${percent === null ? 'w-1/3 animate-pulse' : ''}`}
        style={percent === null ? undefined : { width: `${percent}%` }}
      />
    </div>
  );
}

function RunRow({ kind, run }: { kind: SyncKind; run: SyncRunRead | undefined }) {
  const when = run?.finished_at ?? run?.started_at ?? run?.created_at;
  return (
    <li className="py-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="text-sm font-medium text-ink">{KIND_LABELS[kind]}</span>
        {run ? (
          <Badge tone={STATUS[run.status].tone}>{STATUS[run.status].label}</Badge>
        ) : (
          <Badge>Never synced</Badge>
        )}
      </div>
      {run ? (
        <p className="mt-1 text-xs text-ink-muted">
          {when ? (
            <time dateTime={when} title={formatDateTime(when)}>
              {formatRelative(when)}
            </time>
          ) : null}
          {run.status === 'done'
            ? ` · ${run.created_count} added, ${run.updated_count} changed, ${run.deleted_count} removed`
            : null}
          {isActive(run) && run.progress_total
            ? ` · ${run.progress_done} of ${run.progress_total}`
            : null}
          {run.attempts > 1 ? ` · attempt ${run.attempts}` : null}
        </p>
      ) : null}
      {run && isActive(run) ? <Progress run={run} /> : null}
      {run?.last_error ? (
        <p className="mt-1 text-xs break-words text-danger-strong">{run.last_error}</p>
      ) : null}
    </li>
  );
}

/** The last sync of each kind of Kommo data, with its errors, and "Sync now". */
export function SyncPanel({ tenantId, canManage }: { tenantId: string; canManage: boolean }) {
  const syncs = useKommoSyncs(tenantId, true);
  const syncNow = useSyncKommoNow(tenantId);
  const running = syncs.data ? Object.values(syncs.data).some(isActive) : false;
  return (
    <div>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h3 className="text-sm font-semibold text-ink">Last syncs</h3>
        {canManage ? (
          <Button
            size="sm"
            variant="secondary"
            onClick={() => syncNow.mutate()}
            loading={syncNow.isPending}
            disabled={running}
          >
            {running ? 'Syncing…' : 'Sync now'}
          </Button>
        ) : null}
      </div>
      {syncs.isPending ? (
        <ListSkeleton rows={4} label="Loading syncs" />
      ) : syncs.isError ? (
        <ErrorState error={syncs.error} onRetry={() => void syncs.refetch()} />
      ) : (
        <ul className="divide-y divide-surface-border">
          {SYNC_KINDS.map((kind) => (
            <RunRow key={kind} kind={kind} run={syncs.data[kind]} />
          ))}
        </ul>
      )}
    </div>
  );
}
