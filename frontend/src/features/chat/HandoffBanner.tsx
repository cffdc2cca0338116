import type { ReactNode } from 'react';

export interface HandoffBannerProps {
  reason: string | null;
  summary: string | null;
  action?: ReactNode;
}

/** The agent passed the conversation to a person: why, and what it told them. */
export function HandoffBanner({ reason, summary, action }: HandoffBannerProps) {
  return (
    <div
      role="status"
      className="flex flex-wrap items-start justify-between gap-3 rounded-control border border-warning/40 bg-warning-soft px-3 py-2 text-sm"
    >
      <div className="min-w-0">
        <p className="font-semibold text-warning-strong">Handed off to a person</p>
        {reason ? <p className="break-words text-warning-strong">{reason}</p> : null}
        {summary ? <p className="mt-1 break-words text-xs text-warning-strong">{summary}</p> : null}
      </div>
      {action}
    </div>
  );
}
