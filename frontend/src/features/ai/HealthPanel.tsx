import type { ProviderHealthRead } from '../../client';
import { useAiHealth } from '../../api/useAiHealth';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { ListSkeleton } from '../../components/Skeleton';
import { ErrorState } from '../../components/States';
import { kindLabel } from './providerKinds';

const SOURCES: Record<ProviderHealthRead['source'], string> = {
  workspace: 'Workspace',
  environment: 'Platform',
  local: 'This server',
};

function HealthRow({ item }: { item: ProviderHealthRead }) {
  return (
    <li className="flex flex-wrap items-start gap-3 py-3 text-sm">
      <span
        aria-hidden="true"
        className={`mt-1.5 size-2.5 shrink-0 rounded-pill ${item.ok ? 'bg-success' : 'bg-danger'}`}
      />
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2">
          <span className="font-medium text-ink">{item.provider}</span>
          <span className="sr-only">{item.ok ? 'is working' : 'is failing'}</span>
          <span className="text-ink-muted">{kindLabel(item.kind)}</span>
          <Badge>{SOURCES[item.source]}</Badge>
        </p>
        <p className={`mt-0.5 text-xs break-words ${item.ok ? 'text-ink-muted' : 'text-danger'}`}>
          {item.detail}
        </p>
      </div>
      <div className="text-right text-xs text-ink-muted">
        {item.latency_ms !== null ? <p>{item.latency_ms.toLocaleString()} ms</p> : null}
        {item.model_count !== null ? <p>{item.model_count.toLocaleString()} models</p> : null}
      </div>
    </li>
  );
}

/** Whether each provider answers, how fast, and why not. */
export function HealthPanel({ tenantId }: { tenantId: string }) {
  const health = useAiHealth(tenantId);
  return (
    <Card
      title="Health"
      description="Every provider the workspace can use is checked side by side."
      actions={
        <Button
          variant="secondary"
          size="sm"
          loading={health.isFetching}
          onClick={() => void health.refetch()}
        >
          Refresh
        </Button>
      }
    >
      {health.isPending ? (
        <ListSkeleton rows={2} label="Checking providers" />
      ) : health.isError ? (
        <ErrorState error={health.error} onRetry={() => void health.refetch()} />
      ) : (
        <ul aria-label="Provider health" className="divide-y divide-surface-border">
          {health.data.providers.map((item) => (
            <HealthRow key={`${item.source}:${item.provider}`} item={item} />
          ))}
        </ul>
      )}
    </Card>
  );
}
