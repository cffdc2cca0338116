import { useKommoPipelines } from '../../../api/useKommoSync';
import type { StatusRead } from '../../../client';
import { Badge } from '../../../components/Badge';
import { ListSkeleton } from '../../../components/Skeleton';
import { ErrorState } from '../../../components/States';

const HEX = /^#[0-9a-f]{3,8}$/i;

/** A stage in Kommo's own colour (a pale one, as Kommo picks them; the text stays dark). */
function StageChip({ stage }: { stage: StatusRead }) {
  const colour = stage.color && HEX.test(stage.color) ? stage.color : undefined;
  return (
    <li
      className="inline-flex items-center rounded-pill border border-surface-border bg-surface-sunken px-2.5 py-1 text-xs font-medium text-ink"
      style={colour ? { backgroundColor: colour } : undefined}
      title={stage.type === 1 ? 'Incoming leads (unsorted)' : undefined}
    >
      {stage.name}
    </li>
  );
}

/** The account's pipelines and their stages, in Kommo's order, as last synced. */
export function PipelinesPanel({ tenantId }: { tenantId: string }) {
  const pipelines = useKommoPipelines(tenantId, true);
  return (
    <div>
      <h3 className="text-sm font-semibold text-ink">Pipelines</h3>
      {pipelines.isPending ? (
        <ListSkeleton rows={2} label="Loading pipelines" />
      ) : pipelines.isError ? (
        <ErrorState error={pipelines.error} onRetry={() => void pipelines.refetch()} />
      ) : pipelines.data.items.length === 0 ? (
        <p className="mt-2 text-sm text-ink-muted">
          No pipelines yet: they appear after the first sync of pipelines and stages.
        </p>
      ) : (
        <ul className="mt-3 space-y-4">
          {pipelines.data.items.map((pipeline) => (
            <li key={pipeline.kommo_id}>
              <div className="flex flex-wrap items-center gap-2">
                <span className="text-sm font-medium text-ink">{pipeline.name}</span>
                {pipeline.is_main ? <Badge tone="brand">Main</Badge> : null}
                {pipeline.is_archive ? <Badge>Archived</Badge> : null}
                <span className="text-xs text-ink-muted">
                  {pipeline.statuses.length} stage{pipeline.statuses.length === 1 ? '' : 's'}
                </span>
              </div>
              <ol aria-label={`Stages of ${pipeline.name}`} className="mt-2 flex flex-wrap gap-1.5">
                {pipeline.statuses.map((stage) => (
                  <StageChip key={stage.kommo_id} stage={stage} />
                ))}
              </ol>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
