import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  aiGetAiSettings,
  aiUpdateAiSettings,
  type AiSettingsRead,
  type AiSettingsUpdate,
  type ResolvedRead,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';

/**
 * Whether the model that embeds knowledge changed (after fallbacks): the API then starts
 * re-embedding the knowledge base with it, the old vectors serving until it is done.
 */
export function embeddingModelChanged(
  before: Pick<ResolvedRead, 'provider' | 'kind' | 'model'>,
  after: Pick<ResolvedRead, 'provider' | 'kind' | 'model'>,
): boolean {
  return (
    before.provider !== after.provider || before.kind !== after.kind || before.model !== after.model
  );
}

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
      const before = queryClient.getQueryData<AiSettingsRead>(queryKeys.aiSettings(tenantId));
      queryClient.setQueryData(queryKeys.aiSettings(tenantId), settings);
      toast.success(
        'AI defaults saved',
        before && embeddingModelChanged(before.embeddings, settings.embeddings)
          ? `The knowledge base will be re-embedded with ${settings.embeddings.model}.`
          : undefined,
      );
      // Offline mode, the usage report's budget and the knowledge index follow the defaults.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.aiHealth(tenantId) }),
        queryClient.invalidateQueries({ queryKey: [...queryKeys.ai(tenantId), 'usage'] }),
        queryClient.invalidateQueries({ queryKey: queryKeys.knowledgeIndex(tenantId) }),
      ]);
    },
  });
}
