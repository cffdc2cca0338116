import type { WebhookEventRead, WebhookEventStatus } from '../../../client';

type Tone = 'neutral' | 'brand' | 'success' | 'danger';

/** Each status's badge: done green, skipped grey, broken red, still on its way blue. */
export const EVENT_STATUSES: Record<WebhookEventStatus, { label: string; tone: Tone }> = {
  received: { label: 'Received', tone: 'brand' },
  processing: { label: 'Processing', tone: 'brand' },
  processed: { label: 'Processed', tone: 'success' },
  ignored: { label: 'Ignored', tone: 'neutral' },
  failed: { label: 'Failed', tone: 'danger' },
  rejected: { label: 'Rejected', tone: 'danger' },
};

const STATUS_ORDER: readonly WebhookEventStatus[] = [
  'received',
  'processing',
  'processed',
  'ignored',
  'failed',
  'rejected',
];

export const EVENT_STATUS_OPTIONS = STATUS_ORDER.map((value) => ({
  value,
  label: EVENT_STATUSES[value].label,
}));

/** The kinds Kommo sends for the hooks we register (`entity.action`), for the kind filter. */
export const EVENT_KINDS: readonly { value: string; label: string }[] = [
  { value: 'message.add', label: 'Incoming message' },
  { value: 'talk.add', label: 'Chat started' },
  { value: 'talk.update', label: 'Chat changed' },
  { value: 'lead.add', label: 'Lead added' },
  { value: 'lead.update', label: 'Lead changed' },
  { value: 'lead.status', label: 'Lead moved stage' },
  { value: 'lead.responsible', label: 'Lead reassigned' },
  { value: 'lead.note', label: 'Lead note' },
  { value: 'lead.delete', label: 'Lead deleted' },
  { value: 'contact.add', label: 'Contact added' },
  { value: 'contact.update', label: 'Contact changed' },
  { value: 'company.add', label: 'Company added' },
  { value: 'company.update', label: 'Company changed' },
  { value: 'task.add', label: 'Task added' },
  { value: 'task.update', label: 'Task changed' },
];

const KIND_LABELS = new Map(EVENT_KINDS.map((kind) => [kind.value, kind.label]));

/** "Incoming message" for a known kind, the kind itself otherwise, "Unreadable" when rejected. */
export function kindLabel(kind: string): string {
  if (!kind) return 'Unreadable';
  return KIND_LABELS.get(kind) ?? kind;
}

/** "lead 4711", or nothing for a delivery that could not be read. */
export function entityLabel(event: Pick<WebhookEventRead, 'entity_type' | 'entity_id'>): string {
  return event.entity_type && event.entity_id ? `${event.entity_type} ${event.entity_id}` : '';
}
