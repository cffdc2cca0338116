import { useState } from 'react';

import { useRemoveSlack, useSlack, useTestSlack } from '../../../api/useSlack';
import type { SlackStatus } from '../../../client';
import { Badge } from '../../../components/Badge';
import { Button } from '../../../components/Button';
import { Card } from '../../../components/Card';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { FormSkeleton } from '../../../components/Skeleton';
import { ErrorState } from '../../../components/States';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { SlackForm } from './SlackForm';

function LastDelivery({ status }: { status: SlackStatus }) {
  if (!status.last_delivery_at) {
    return <p className="text-sm text-ink-muted">Nothing posted yet.</p>;
  }
  const when = (
    <time dateTime={status.last_delivery_at} title={formatDateTime(status.last_delivery_at)}>
      {formatRelative(status.last_delivery_at)}
    </time>
  );
  return status.last_delivery_ok ? (
    <p className="text-sm text-ink-muted">Last message delivered {when}.</p>
  ) : (
    <p className="text-sm text-danger-strong">
      Last message failed {when}
      {status.last_delivery_error ? `: ${status.last_delivery_error}` : ''}.
    </p>
  );
}

function Summary({ status }: { status: SlackStatus }) {
  const how =
    status.kind === 'bot'
      ? `Bot token …${status.secret_last_four ?? ''} posting to ${status.channel ?? '—'}`
      : `Incoming webhook …${status.secret_last_four ?? ''}`;
  const what = [
    status.notify_handoffs ? 'hand-offs' : null,
    status.notify_sync_failures ? 'failed syncs' : null,
  ].filter(Boolean);
  return (
    <div className="space-y-1">
      <p className="text-sm text-ink">{how}</p>
      <p className="text-sm text-ink-muted">
        {what.length > 0 ? `Posts ${what.join(' and ')}.` : 'Posts nothing (both turned off).'}
      </p>
      <LastDelivery status={status} />
    </div>
  );
}

/** Slack, where people hear about hand-offs and failed syncs without watching the app. */
export function SlackCard({ tenantId, canManage }: { tenantId: string; canManage: boolean }) {
  const slack = useSlack(tenantId);
  const test = useTestSlack(tenantId);
  const remove = useRemoveSlack(tenantId);
  const [confirming, setConfirming] = useState(false);
  const configured = slack.data?.configured ?? false;
  return (
    <Card
      title="Slack"
      description="Tell a Slack channel when a conversation needs a person or a Kommo sync fails."
      actions={
        slack.data ? (
          <Badge tone={configured ? 'success' : 'neutral'}>
            {configured ? 'Set up' : 'Not set up'}
          </Badge>
        ) : null
      }
    >
      {slack.isPending ? (
        <FormSkeleton fields={2} />
      ) : slack.isError ? (
        <ErrorState error={slack.error} onRetry={() => void slack.refetch()} />
      ) : (
        <div className="space-y-5">
          {configured ? <Summary status={slack.data} /> : null}
          {configured && canManage ? (
            <div className="flex flex-wrap gap-2">
              <Button variant="secondary" onClick={() => test.mutate()} loading={test.isPending}>
                Send test message
              </Button>
              <Button variant="ghost" onClick={() => setConfirming(true)}>
                Remove Slack
              </Button>
            </div>
          ) : null}
          {canManage ? (
            configured ? (
              <details className="rounded-control border border-surface-border px-4 py-3">
                <summary className="cursor-pointer text-sm font-medium text-ink">
                  Change where and what Slack is told
                </summary>
                <div className="mt-4">
                  <SlackForm
                    key={slack.data.updated_at ?? ''}
                    tenantId={tenantId}
                    status={slack.data}
                  />
                </div>
              </details>
            ) : (
              <SlackForm key="new" tenantId={tenantId} status={slack.data} />
            )
          ) : configured ? null : (
            <p className="text-sm text-ink-muted">Slack is not set up for this workspace.</p>
          )}
        </div>
      )}
      <ConfirmDialog
        open={confirming}
        title="Remove Slack?"
        message="Nothing is posted to Slack any more, and the stored webhook or token is deleted."
        confirmLabel="Remove Slack"
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate(undefined, { onSettled: () => setConfirming(false) })}
      />
    </Card>
  );
}
