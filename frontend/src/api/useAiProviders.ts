import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  aiCreateProvider,
  aiDeleteProvider,
  aiListProviders,
  aiUpdateProvider,
  type ProviderCreate,
  type ProviderRead,
  type ProviderUpdate,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';

/** The workspace's AI providers; keys are never returned, only their last four characters. */
export function useAiProviders(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.aiProviders(tenantId),
    queryFn: async ({ signal }) =>
      (await aiListProviders({ path: { tenant_id: tenantId }, signal })).data,
  });
}

/** A provider change moves everything that depends on it: resolution, health, models, agents. */
function useAfterProviderChange(tenantId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.ai(tenantId) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.agents(tenantId) }),
    ]);
}

export function useCreateAiProvider(tenantId: string) {
  const refresh = useAfterProviderChange(tenantId);
  return useMutation({
    mutationFn: async (body: ProviderCreate) =>
      (await aiCreateProvider({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async (provider) => {
      toast.success('Provider added', provider.name);
      await refresh();
    },
  });
}

export function useUpdateAiProvider(tenantId: string) {
  const refresh = useAfterProviderChange(tenantId);
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: ProviderUpdate }) =>
      (await aiUpdateProvider({ path: { tenant_id: tenantId, provider_id: id }, body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async (provider) => {
      toast.success('Provider saved', provider.name);
      await refresh();
    },
  });
}

export function useDeleteAiProvider(tenantId: string) {
  const refresh = useAfterProviderChange(tenantId);
  return useMutation({
    mutationFn: async (provider: ProviderRead) => {
      await aiDeleteProvider({ path: { tenant_id: tenantId, provider_id: provider.id } });
      return provider;
    },
    onSuccess: async (provider) => {
      toast.success(
        'Provider deleted',
        `Agents that used ${provider.name} fall back to the workspace default.`,
      );
      await refresh();
    },
  });
}

/** The name of the chosen provider (to filter its models), or null for the default. */
export function useProviderName(tenantId: string, providerId: string): string | null {
  const providers = useAiProviders(tenantId);
  if (!providerId) return null;
  return providers.data?.find((p) => p.id === providerId)?.name ?? null;
}
