import { keepPreviousData, useQuery } from '@tanstack/react-query';

import { kommoWebhooksListKommoWebhookEvents } from '../client';
import { type KommoEventListParams, queryKeys } from './keys';

/** How often the events are fetched again while the page is on screen. */
export const KOMMO_EVENTS_POLL_MS = 10_000;

/**
 * One page of the webhook events Kommo delivered, the newest first, fetched again every
 * {@link KOMMO_EVENTS_POLL_MS} while the tab is visible (TanStack Query pauses intervals in a
 * hidden tab); the previous page stays on screen while the next filter or page loads.
 */
export function useKommoEvents(tenantId: string, params: KommoEventListParams, enabled = true) {
  return useQuery({
    queryKey: queryKeys.kommoEventList(tenantId, params),
    queryFn: async ({ signal }) =>
      (
        await kommoWebhooksListKommoWebhookEvents({
          path: { tenant_id: tenantId },
          query: {
            limit: params.limit,
            offset: params.offset,
            ...(params.status ? { status: params.status } : {}),
            ...(params.kind ? { kind: params.kind } : {}),
          },
          signal,
        })
      ).data,
    enabled,
    placeholderData: keepPreviousData,
    refetchInterval: KOMMO_EVENTS_POLL_MS,
    staleTime: 0,
  });
}
