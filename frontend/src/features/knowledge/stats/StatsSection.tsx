import { useKnowledgeStats } from '../../../api/useKnowledgeStats';
import { Card } from '../../../components/Card';
import { Skeleton } from '../../../components/Skeleton';
import { ErrorState } from '../../../components/States';
import { EmbeddingIndexPanel } from '../embedding/EmbeddingIndexPanel';
import { RecentFailures } from './RecentFailures';
import { StatCards } from './StatCards';
import { StatusChart } from './StatusChart';
import { statusCounts } from './statsData';

export interface StatsSectionProps {
  tenantId: string;
  canManage: boolean;
  documentHref: (documentId: string) => string;
}

function StatsSkeleton() {
  return (
    <div role="status" aria-busy="true" className="space-y-4">
      <span className="sr-only">Loading statistics…</span>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {Array.from({ length: 7 }, (_, index) => (
          <Skeleton key={index} className="h-16" />
        ))}
      </div>
      <Skeleton className="h-24 w-full" />
    </div>
  );
}

/**
 * The knowledge base at a glance, refreshed while documents are being indexed, and the
 * embedding model that serves its searches.
 */
export function StatsSection({ tenantId, canManage, documentHref }: StatsSectionProps) {
  const stats = useKnowledgeStats(tenantId);
  let body;
  if (stats.isPending) body = <StatsSkeleton />;
  else if (stats.isError) {
    body = <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />;
  } else {
    body = (
      <div className="space-y-6">
        <StatCards stats={stats.data} />
        {stats.data.total_documents > 0 ? (
          <StatusChart counts={statusCounts(stats.data.documents_by_status)} />
        ) : null}
        <RecentFailures
          tenantId={tenantId}
          failures={stats.data.recent_failures}
          canManage={canManage}
          documentHref={documentHref}
        />
      </div>
    );
  }
  return (
    <Card title="Overview" description="What agents can look up, and what is still on its way.">
      <div className="space-y-6">
        {body}
        <EmbeddingIndexPanel
          tenantId={tenantId}
          canManage={canManage}
          totalTokens={stats.data?.total_tokens}
        />
      </div>
    </Card>
  );
}
