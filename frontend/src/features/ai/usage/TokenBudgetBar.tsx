export interface TokenBudgetBarProps {
  used: number;
  budget: number | null;
}

/**
 * This month's provider tokens against the budget (the offline responder and the local model
 * are free and do not count); amber from 80 %, red once it is spent.
 */
export function TokenBudgetBar({ used, budget }: TokenBudgetBarProps) {
  if (budget === null) {
    return (
      <p className="text-sm text-ink">
        <span className="font-semibold">{used.toLocaleString()}</span> provider tokens this month
        <span className="text-ink-muted"> · no monthly budget (set one in the defaults)</span>
      </p>
    );
  }
  const share = used / budget;
  const percent = Math.min(100, Math.round(share * 100));
  const tone = share >= 1 ? 'bg-danger' : share >= 0.8 ? 'bg-warning' : 'bg-brand-600';
  return (
    <div className="space-y-1.5">
      <p className="flex justify-between text-sm">
        <span>
          <span className="font-semibold text-ink">{used.toLocaleString()}</span>
          <span className="text-ink-muted">
            {' '}
            of {budget.toLocaleString()} provider tokens this month
          </span>
        </span>
        <span className={share >= 1 ? 'font-semibold text-danger' : 'text-ink-muted'}>
          {share >= 1 ? 'Budget used up' : `${percent} %`}
        </span>
      </p>
      <div
        role="progressbar"
        aria-label="Provider tokens this month"
        aria-valuemin={0}
        aria-valuemax={budget}
        aria-valuenow={Math.min(used, budget)}
        aria-valuetext={`${used.toLocaleString()} of ${budget.toLocaleString()} tokens`}
        className="h-2.5 overflow-hidden rounded-pill bg-surface-sunken"
      >
        <div className={`h-full rounded-pill ${tone}`} style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
