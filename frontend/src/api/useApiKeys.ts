import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  apiKeysCreateApiKey,
  apiKeysListApiKeys,
  apiKeysListScopes,
  apiKeysRevokeApiKey,
  type ApiKeyCreate,
  type ApiKeyRead,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys, type PageParams } from './keys';

export function useApiKeys(tenantId: string, page: PageParams) {
  return useQuery({
    queryKey: queryKeys.apiKeysPage(tenantId, page),
    queryFn: async ({ signal }) =>
      (await apiKeysListApiKeys({ path: { tenant_id: tenantId }, query: page, signal })).data,
    placeholderData: keepPreviousData,
  });
}

/** The scopes an API key may hold, as the API grants them (with what each allows). */
export function useGrantableScopes(tenantId: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.apiKeyScopes(tenantId),
    queryFn: async ({ signal }) =>
      (await apiKeysListScopes({ path: { tenant_id: tenantId }, signal })).data,
    select: (scopes) => scopes.filter((scope) => scope.grantable),
    staleTime: Infinity,
    enabled,
  });
}

/** The response carries the key itself, which the API never shows again. */
export function useCreateApiKey(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: ApiKeyCreate) =>
      (await apiKeysCreateApiKey({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys(tenantId) });
    },
  });
}

export function useRevokeApiKey(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (apiKey: ApiKeyRead) => {
      await apiKeysRevokeApiKey({ path: { tenant_id: tenantId, api_key_id: apiKey.id } });
      return apiKey;
    },
    onSuccess: async (apiKey) => {
      toast.success('API key revoked', `${apiKey.name} (${apiKey.prefix}…) stops working now.`);
      await queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys(tenantId) });
    },
  });
}
