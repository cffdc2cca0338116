import { useState } from 'react';

import type { KommoEventListParams } from '../../../api/keys';
import { useKommoEvents } from '../../../api/useKommoEvents';
import type { DeliveryCounts } from '../../../client';
import { Button } from '../../../components/Button';
import { Card } from '../../../components/Card';
import { Pager } from '../../../components/Pager';
import { ListSkeleton } from '../../../components/Skeleton';
import { EmptyState, ErrorState } from '../../../components/States';
import { EVENT_KINDS, EVENT_STATUS_OPTIONS } from './eventLabels';
import { WebhookEventList } from './WebhookEventList';

const PAGE_SIZE = 20;
const FIRST_PAGE: KommoEventListParams = { limit: PAGE_SIZE, offset: 0, status: '', kind: '' };

const SELECT = 'rounded-control border border-surface-strong bg-surface px-3 py-2 text-sm text-ink';

/** The last day's deliveries: how many came in and how many of them failed or were refused. */
function DaySummary({ counts }: { counts: DeliveryCounts | undefined }) {
  const received = counts?.received ?? 0;
  const failed = counts?.failed ?? 0;
  return (
    <dl aria-label="Last 24 hours" className="mb-4 flex flex-wrap gap-3">
      <div className="min-w-32 rounded-control bg-surface-sunken px-3 py-2">
        <dt className="text-xs text-ink-muted">Received in 24 h</dt>
        <dd className="text-lg font-semibold text-ink">{received}</dd>
      </div>
      <div
        className={`min-w-32 rounded-control px-3 py-2 ${failed > 0 ? 'bg-danger-soft' : 'bg-surface-sunken'}`}
      >
        <dt className={`text-xs ${failed > 0 ? 'text-danger-strong' : 'text-ink-muted'}`}>
          Failed in 24 h
        </dt>
        <dd className={`text-lg font-semibold ${failed > 0 ? 'text-danger-strong' : 'text-ink'}`}>
          {failed}
        </dd>
      </div>
    </dl>
  );
}

function Filters({
  value,
  onChange,
}: {
  value: KommoEventListParams;
  onChange: (value: KommoEventListParams) => void;
}) {
  return (
    <div className="mb-4 flex flex-wrap gap-2">
      <select
        aria-label="Status"
        value={value.status}
        onChange={(event) => {
          const status = EVENT_STATUS_OPTIONS.find((option) => option.value === event.target.value);
          onChange({
            ...value,
            offset: 0,
            status: status?.value ?? '',
          });
        }}
        className={SELECT}
      >
        <option value="">All statuses</option>
        {EVENT_STATUS_OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <select
        aria-label="Kind"
        value={value.kind}
        onChange={(event) => onChange({ ...value, offset: 0, kind: event.target.value })}
        className={SELECT}
      >
        <option value="">All kinds</option>
        {EVENT_KINDS.map((kind) => (
          <option key={kind.value} value={kind.value}>
            {kind.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * What Kommo sent to the workspace's webhook lately and what became of each event, refreshed
 * every 10 s while the page is visible, with the last day's counts at the top.
 */
export function WebhookEventsCard({
  tenantId,
  deliveries,
}: {
  tenantId: string;
  deliveries: DeliveryCounts | undefined;
}) {
  const [params, setParams] = useState<KommoEventListParams>(FIRST_PAGE);
  const events = useKommoEvents(tenantId, params);
  const filtered = params.status !== '' || params.kind !== '';

  let body;
  if (events.isPending) {
    body = <ListSkeleton rows={3} label="Loading webhook events" />;
  } else if (events.isError) {
    body = <ErrorState error={events.error} onRetry={() => void events.refetch()} />;
  } else if (events.data.items.length === 0) {
    body = filtered ? (
      <EmptyState
        title="No events match"
        action={
          <Button variant="secondary" size="sm" onClick={() => setParams(FIRST_PAGE)}>
            Clear filters
          </Button>
        }
      >
        No webhook event has this status and kind.
      </EmptyState>
    ) : (
      <EmptyState title="No webhook events yet">
        When a lead writes or changes in Kommo, Kommo calls the webhook and the event shows here.
      </EmptyState>
    );
  } else {
    body = (
      <>
        <WebhookEventList events={events.data.items} />
        <Pager
          page={params}
          total={events.data.total}
          onChange={(page) => setParams({ ...params, ...page })}
          noun="events"
        />
      </>
    );
  }

  return (
    <Card
      title="Webhook events"
      description="What Kommo sent to the webhook lately and what became of it. Refreshes every 10 seconds."
    >
      <DaySummary counts={deliveries} />
      <Filters value={params} onChange={setParams} />
      {body}
    </Card>
  );
}
