import { useState } from 'react';

import { useAiUsage } from '../../../api/useAiUsage';
import { Card } from '../../../components/Card';
import { ListSkeleton, Skeleton } from '../../../components/Skeleton';
import { ErrorState } from '../../../components/States';
import { TokenBudgetBar } from './TokenBudgetBar';
import { UsageByModelTable } from './UsageByModelTable';
import { UsageChart } from './UsageChart';
import { lastDays, rangeOf, tokensPerDay, usageByModel } from './usageData';

const DAYS = 30;

/** The last 30 days of AI use: tokens per day, this month against the budget, per model. */
export function UsageSection({ tenantId }: { tenantId: string }) {
  const [days] = useState(() => lastDays(DAYS));
  const usage = useAiUsage(tenantId, rangeOf(days));

  let body;
  if (usage.isPending) {
    body = (
      <div role="status" aria-busy="true" className="space-y-4">
        <span className="sr-only">Loading usage…</span>
        <Skeleton className="h-3 w-full" />
        <Skeleton className="h-40 w-full" />
        <ListSkeleton rows={2} label="Loading usage per model" />
      </div>
    );
  } else if (usage.isError) {
    body = <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />;
  } else {
    const models = usageByModel(usage.data.days);
    body = (
      <div className="space-y-6">
        <TokenBudgetBar
          used={usage.data.tokens_this_month}
          budget={usage.data.monthly_token_budget}
        />
        <UsageChart days={tokensPerDay(usage.data.days, days)} />
        {models.length === 0 ? (
          <p className="text-sm text-ink-muted">No AI calls in the last {DAYS} days.</p>
        ) : (
          <UsageByModelTable rows={models} />
        )}
      </div>
    );
  }
  return (
    <Card
      title="Usage"
      description={`Tokens in the last ${DAYS} days (UTC), by day and by model. The offline responder's and the local model's are estimates and do not count toward the budget.`}
    >
      {body}
    </Card>
  );
}
