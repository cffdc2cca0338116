import { useQuery } from '@tanstack/react-query';

import { aiAiHealth, aiAiModels } from '../client';
import { queryKeys } from './keys';

/**
 * Every provider the workspace can use, checked side by side (each check calls the provider,
 * so it is not repeated on every focus; the page has a refresh button).
 */
export function useAiHealth(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.aiHealth(tenantId),
    queryFn: async ({ signal }) =>
      (await aiAiHealth({ path: { tenant_id: tenantId }, signal })).data,
    staleTime: 60_000,
    refetchOnWindowFocus: false,
  });
}

/** Models per provider, plus the offline responder and the local embedding model. */
export function useAiModels(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.aiModels(tenantId),
    queryFn: async ({ signal }) =>
      (await aiAiModels({ path: { tenant_id: tenantId }, signal })).data,
    staleTime: 5 * 60_000,
    refetchOnWindowFocus: false,
  });
}
