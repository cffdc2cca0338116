import type { ReactNode } from 'react';

import { errorMessage, errorTitle } from '../api/problem';
import { Button } from './Button';

export interface EmptyStateProps {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}

/** Nothing here yet: says so plainly, and what to do about it. */
export function EmptyState({ title, children, action }: EmptyStateProps) {
  return (
    <div className="rounded-card border border-dashed border-surface-strong px-6 py-10 text-center">
      <p className="text-base font-semibold text-ink">{title}</p>
      {children ? (
        <div className="mx-auto mt-2 max-w-md text-sm text-ink-muted">{children}</div>
      ) : null}
      {action ? <div className="mt-5 flex justify-center">{action}</div> : null}
    </div>
  );
}

/** A load that failed: the problem's title and detail, and a way to try again. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div role="alert" className="rounded-card border border-danger/30 bg-danger-soft px-6 py-6">
      <p className="text-sm font-semibold text-danger-strong">{errorTitle(error)}</p>
      <p className="mt-1 text-sm text-danger-strong">{errorMessage(error)}</p>
      {onRetry ? (
        <Button variant="secondary" size="sm" className="mt-4" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}
