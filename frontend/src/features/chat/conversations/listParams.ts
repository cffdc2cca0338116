import type { ConversationListParams } from '../../../api/keys';
import type { Channel, ConversationStatus } from '../../../client';
import { CHANNEL_LABELS, STATUS_LABELS } from '../labels';

export const PAGE_SIZE = 25;

function isChannel(value: string): value is Channel {
  return Object.hasOwn(CHANNEL_LABELS, value);
}

function isStatus(value: string): value is ConversationStatus {
  return Object.hasOwn(STATUS_LABELS, value);
}

/** The list's filters and page as the URL has them (unknown values are no filter). */
export function readListParams(search: URLSearchParams): ConversationListParams {
  const channel = search.get('channel') ?? '';
  const status = search.get('status') ?? '';
  return {
    channel: isChannel(channel) ? channel : '',
    status: isStatus(status) ? status : '',
    agent: search.get('agent') ?? '',
    limit: PAGE_SIZE,
    offset: Math.max(0, Number(search.get('offset')) || 0),
  };
}

/** The URL's search with these filters changed (an empty value removes its key). */
export function writeListParams(
  current: URLSearchParams,
  next: Partial<Record<keyof ConversationListParams, string | number>>,
): URLSearchParams {
  const merged = new URLSearchParams(current);
  for (const [key, value] of Object.entries(next)) {
    if (key === 'limit') continue;
    if (value === '' || value === 0) merged.delete(key);
    else merged.set(key, String(value));
  }
  return merged;
}
