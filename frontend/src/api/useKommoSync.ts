import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  kommoSyncListPipelines,
  kommoSyncListSyncs,
  kommoSyncRequestSync,
  type SyncKind,
  type SyncRunRead,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';

/** How often the runs are fetched again while one waits or runs (else the status's pace). */
export const SYNC_ACTIVE_POLL_MS = 2_000;
const SYNC_IDLE_POLL_MS = 10_000;
/** Enough recent runs to hold the latest of every kind (four kinds, a few retries each). */
const RECENT_RUNS = 40;

export const SYNC_KINDS: readonly SyncKind[] = ['pipelines', 'custom_fields', 'users', 'sources'];

export function isActive(run: Pick<SyncRunRead, 'status'>): boolean {
  return run.status === 'queued' || run.status === 'running';
}

/** The newest run of each kind, from runs listed newest first. */
export function latestPerKind(
  runs: readonly SyncRunRead[],
): Partial<Record<SyncKind, SyncRunRead>> {
  const out: Partial<Record<SyncKind, SyncRunRead>> = {};
  for (const run of runs) out[run.kind] ??= run;
  return out;
}

/**
 * The latest sync run of each kind, polled every {@link SYNC_ACTIVE_POLL_MS} while one waits or
 * runs; when a run finishes, what it stored (the pipelines) is fetched again.
 */
export function useKommoSyncs(tenantId: string, enabled: boolean) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.kommoSyncs(tenantId),
    queryFn: async ({ signal }) => {
      const before = queryClient.getQueryData<Partial<Record<SyncKind, SyncRunRead>>>(
        queryKeys.kommoSyncs(tenantId),
      );
      const { data } = await kommoSyncListSyncs({
        path: { tenant_id: tenantId },
        query: { limit: RECENT_RUNS, offset: 0 },
        signal,
      });
      const latest = latestPerKind(data.items);
      if (before && Object.values(before).some(isActive) && !Object.values(latest).some(isActive)) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.kommoPipelines(tenantId) });
      }
      return latest;
    },
    enabled,
    refetchInterval: (query) =>
      query.state.data && Object.values(query.state.data).some(isActive)
        ? SYNC_ACTIVE_POLL_MS
        : SYNC_IDLE_POLL_MS,
  });
}

/** Syncs every kind now (a kind already waiting or running answers that run). */
export function useSyncKommoNow(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      (await kommoSyncRequestSync({ path: { tenant_id: tenantId }, body: null })).data,
    onSuccess: async () => {
      toast.success('Sync started', 'Pipelines, fields, users and sources are read from Kommo.');
      await queryClient.invalidateQueries({ queryKey: queryKeys.kommoSyncs(tenantId) });
    },
  });
}

/** The account's pipelines with their stages, as last synced. */
export function useKommoPipelines(tenantId: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.kommoPipelines(tenantId),
    queryFn: async ({ signal }) =>
      (
        await kommoSyncListPipelines({
          path: { tenant_id: tenantId },
          query: { limit: 200, offset: 0 },
          signal,
        })
      ).data,
    enabled,
  });
}
