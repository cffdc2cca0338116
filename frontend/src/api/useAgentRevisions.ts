import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { agentsGetRevision, agentsListRevisions, agentsRestoreRevision } from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys, type PageParams } from './keys';

/** The agent's versions, newest first: who changed what and when. */
export function useAgentRevisions(tenantId: string, agentId: string, page: PageParams) {
  return useQuery({
    queryKey: queryKeys.agentRevisionsPage(tenantId, agentId, page),
    queryFn: async ({ signal }) =>
      (
        await agentsListRevisions({
          path: { tenant_id: tenantId, agent_id: agentId },
          query: page,
          signal,
        })
      ).data,
    placeholderData: keepPreviousData,
  });
}

/** One version with its whole configuration (`snapshot`); versions never change. */
export function useAgentRevision(tenantId: string, agentId: string, version: number | null) {
  return useQuery({
    queryKey: queryKeys.agentRevision(tenantId, agentId, version ?? 0),
    queryFn: async ({ signal }) =>
      (
        await agentsGetRevision({
          path: { tenant_id: tenantId, agent_id: agentId, version: version ?? 0 },
          signal,
        })
      ).data,
    enabled: version !== null,
    staleTime: Infinity,
  });
}

/** Makes a past version current again, as a new version. */
export function useRestoreRevision(tenantId: string, agentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (version: number) =>
      (
        await agentsRestoreRevision({
          path: { tenant_id: tenantId, agent_id: agentId, version },
        })
      ).data,
    onSuccess: async (agent, version) => {
      toast.success(`Version ${version} restored`, `It is now version ${agent.version}.`);
      queryClient.setQueryData(queryKeys.agent(tenantId, agentId), agent);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.agentRevisions(tenantId, agentId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.agentLists(tenantId) }),
      ]);
    },
  });
}
