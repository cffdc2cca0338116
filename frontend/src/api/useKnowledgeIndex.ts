import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { knowledgeGetIndex, knowledgeRebuildIndex, type KnowledgeIndexRead } from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';
import { INDEXING_POLL_MS } from './useKnowledge';

/** Only a move to another model changes the index on its own; ready and failed ones wait. */
export function isReembedding(index: Pick<KnowledgeIndexRead, 'state'>): boolean {
  return index.state === 'building';
}

/**
 * The embedding model behind the workspace's vectors and, while the knowledge base moves to
 * another one, how far that has got: fetched again every {@link INDEXING_POLL_MS} meanwhile.
 */
export function useKnowledgeIndex(tenantId: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.knowledgeIndex(tenantId),
    queryFn: async ({ signal }) => {
      const before = queryClient.getQueryData<KnowledgeIndexRead>(
        queryKeys.knowledgeIndex(tenantId),
      );
      const { data } = await knowledgeGetIndex({ path: { tenant_id: tenantId }, signal });
      // A finished move changed every document's embedding model and what search returns.
      if (before && isReembedding(before) && !isReembedding(data)) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.knowledgeDocuments(tenantId) });
      }
      return data;
    },
    refetchInterval: (query) =>
      query.state.data && isReembedding(query.state.data) ? INDEXING_POLL_MS : false,
  });
}

/**
 * Embeds every passage again with the model the AI settings choose (also the Retry of a failed
 * move); the current vectors serve until the new ones are all made.
 */
export function useRebuildIndex(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => (await knowledgeRebuildIndex({ path: { tenant_id: tenantId } })).data,
    onSuccess: (index) => {
      queryClient.setQueryData(queryKeys.knowledgeIndex(tenantId), index);
      toast.success(
        'Re-embedding started',
        `Every passage is embedded again with ${(index.target ?? index.configured).model}.`,
      );
    },
  });
}
