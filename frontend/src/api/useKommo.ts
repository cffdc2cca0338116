import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  kommoAuthorizeKommo,
  kommoConnectKommoToken,
  kommoDisconnectKommo,
  kommoKommoStatus,
  type KommoStatus,
  type LongLivedTokenConnectWritable,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';

/** How often the integrations page asks for the connection's state while it is on screen. */
export const KOMMO_STATUS_POLL_MS = 10_000;

/**
 * The workspace's Kommo connection, fetched again every {@link KOMMO_STATUS_POLL_MS} while the
 * page is open and the tab visible (TanStack Query pauses intervals in a hidden tab), so a
 * grant Kommo revokes or a webhook that fails shows without a reload.
 */
export function useKommoStatus(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.kommoStatus(tenantId),
    queryFn: async ({ signal }) =>
      (await kommoKommoStatus({ path: { tenant_id: tenantId }, signal })).data,
    refetchInterval: KOMMO_STATUS_POLL_MS,
    staleTime: 0,
  });
}

/**
 * Asks for Kommo's consent URL (its state is bound to this workspace and user and lives
 * `expires_in` seconds); the caller sends the browser there. A 409
 * (`kommo-oauth-not-configured`) is the caller's to show.
 */
export function useAuthorizeKommo(tenantId: string) {
  return useMutation({
    mutationFn: async () => (await kommoAuthorizeKommo({ path: { tenant_id: tenantId } })).data,
    meta: { inlineErrors: 'all' },
  });
}

/** Connects with a private integration's long-lived token; field errors go to the form. */
export function useConnectKommoToken(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: LongLivedTokenConnectWritable) =>
      (await kommoConnectKommoToken({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async (status: KommoStatus) => {
      queryClient.setQueryData(queryKeys.kommoStatus(tenantId), status);
      toast.success(
        'Kommo connected',
        status.subdomain ? `Account ${status.subdomain}.` : undefined,
      );
      await queryClient.invalidateQueries({ queryKey: queryKeys.integrations(tenantId) });
    },
  });
}

/** Removes our webhooks from the account (best effort: the answer says how that went). */
export function useDisconnectKommo(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => (await kommoDisconnectKommo({ path: { tenant_id: tenantId } })).data,
    onSuccess: async (result) => {
      const removed = result.webhooks_removed;
      toast.success(
        'Kommo disconnected',
        result.webhook_error
          ? undefined
          : `${removed} webhook${removed === 1 ? '' : 's'} removed from the account.`,
      );
      await queryClient.invalidateQueries({ queryKey: queryKeys.integrations(tenantId) });
    },
  });
}
