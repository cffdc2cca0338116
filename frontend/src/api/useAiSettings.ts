import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { aiGetAiSettings, aiUpdateAiSettings, type AiSettingsUpdate } from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';

/** The workspace's AI defaults and budget, and what actually answers after fallbacks. */
export function useAiSettings(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.aiSettings(tenantId),
    queryFn: async ({ signal }) =>
      (await aiGetAiSettings({ path: { tenant_id: tenantId }, signal })).data,
  });
}

/** PUT replaces every default: send the whole form (null falls back to the environment). */
export function useUpdateAiSettings(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: AiSettingsUpdate) =>
      (await aiUpdateAiSettings({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async (settings) => {
      queryClient.setQueryData(queryKeys.aiSettings(tenantId), settings);
      toast.success('AI defaults saved');
      // Offline mode and the usage report's budget follow the defaults.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.aiHealth(tenantId) }),
        queryClient.invalidateQueries({ queryKey: [...queryKeys.ai(tenantId), 'usage'] }),
      ]);
    },
  });
}
