import type { WebhookEventRead } from '../../../client';
import { Badge } from '../../../components/Badge';
import { TableScroll } from '../../../components/TableScroll';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { entityLabel, EVENT_STATUSES, kindLabel } from './eventLabels';

function StatusBadges({ event }: { event: WebhookEventRead }) {
  const status = EVENT_STATUSES[event.status];
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <Badge tone={status.tone}>{status.label}</Badge>
      {event.deliveries > 1 ? (
        <span title={`Kommo delivered it ${event.deliveries} times (retries or duplicates)`}>
          <Badge tone="warning">
            ×{event.deliveries}
            <span className="sr-only"> deliveries</span>
          </Badge>
        </span>
      ) : null}
    </span>
  );
}

function Kind({ event }: { event: WebhookEventRead }) {
  return (
    <>
      <span className="font-medium text-ink" title={event.kind || undefined}>
        {kindLabel(event.kind)}
      </span>
      {event.own ? (
        <span className="ml-1 text-xs text-ink-subtle" title="Caused by this integration">
          (ours)
        </span>
      ) : null}
    </>
  );
}

/** What processing made of it, or why it failed; the attempts when there was more than one. */
function Outcome({ event }: { event: WebhookEventRead }) {
  return (
    <>
      {event.detail ? <p className="break-words text-ink">{event.detail}</p> : null}
      {event.last_error ? (
        <p className="break-words text-danger-strong">{event.last_error}</p>
      ) : null}
      {event.attempts > 1 ? (
        <p className="text-xs text-ink-muted">{event.attempts} attempts</p>
      ) : null}
      {!event.detail && !event.last_error && event.attempts <= 1 ? (
        <span className="text-ink-subtle">—</span>
      ) : null}
    </>
  );
}

function When({ event }: { event: WebhookEventRead }) {
  const title = event.processed_at
    ? `Received ${formatDateTime(event.received_at)}, processed ${formatDateTime(event.processed_at)}`
    : `Received ${formatDateTime(event.received_at)}`;
  return (
    <time dateTime={event.received_at} title={title} className="whitespace-nowrap">
      {formatRelative(event.received_at)}
    </time>
  );
}

/**
 * The events as a table on wider screens and as a stacked list on phones (the same rows; the
 * other one is hidden, so each is read once by a screen reader).
 */
export function WebhookEventList({ events }: { events: readonly WebhookEventRead[] }) {
  return (
    <>
      <div className="hidden sm:block">
        <TableScroll>
          <table className="w-full text-left text-sm">
            <thead className="text-xs text-ink-muted uppercase">
              <tr>
                <th className="pb-2 font-medium">Event</th>
                <th className="pb-2 font-medium">Record</th>
                <th className="pb-2 font-medium">Status</th>
                <th className="pb-2 font-medium">Outcome</th>
                <th className="pb-2 font-medium">Received</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-surface-border">
              {events.map((event) => (
                <tr key={event.id} className="align-top">
                  <td className="py-2 pr-3">
                    <Kind event={event} />
                  </td>
                  <td className="py-2 pr-3 whitespace-nowrap text-ink-muted">
                    {entityLabel(event) || '—'}
                  </td>
                  <td className="py-2 pr-3">
                    <StatusBadges event={event} />
                  </td>
                  <td className="max-w-xs py-2 pr-3">
                    <Outcome event={event} />
                  </td>
                  <td className="py-2 text-ink-muted">
                    <When event={event} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </div>
      <ul aria-label="Webhook events" className="divide-y divide-surface-border sm:hidden">
        {events.map((event) => (
          <li key={event.id} className="py-3 text-sm">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <span>
                <Kind event={event} />
              </span>
              <StatusBadges event={event} />
            </div>
            <p className="mt-0.5 text-xs text-ink-muted">
              {entityLabel(event) ? `${entityLabel(event)} · ` : null}
              <When event={event} />
            </p>
            <div className="mt-1">
              <Outcome event={event} />
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
