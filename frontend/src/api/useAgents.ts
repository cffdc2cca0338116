import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  agentsCreateAgent,
  agentsDeleteAgent,
  agentsDuplicateAgent,
  agentsExportAgent,
  agentsGetAgent,
  agentsImportAgent,
  agentsListAgents,
  agentsPreviewReply,
  agentsUpdateAgent,
  type AgentCreate,
  type AgentExport,
  type AgentPreviewRequest,
  type AgentRead,
  type AgentUpdate,
} from '../client';
import { downloadJson, fileSlug } from '../lib/download';
import { toast } from '../toasts/toastStore';
import { queryKeys, type AgentListParams } from './keys';

/** One page of agents; `q` searches name and description, `status` keeps one status. */
export function useAgents(tenantId: string, params: AgentListParams) {
  return useQuery({
    queryKey: queryKeys.agentList(tenantId, params),
    queryFn: async ({ signal }) =>
      (
        await agentsListAgents({
          path: { tenant_id: tenantId },
          query: {
            limit: params.limit,
            offset: params.offset,
            ...(params.q ? { q: params.q } : {}),
            ...(params.status ? { status: params.status } : {}),
          },
          signal,
        })
      ).data,
    placeholderData: keepPreviousData,
  });
}

export function useAgent(tenantId: string, agentId: string) {
  return useQuery({
    queryKey: queryKeys.agent(tenantId, agentId),
    queryFn: async ({ signal }) =>
      (await agentsGetAgent({ path: { tenant_id: tenantId, agent_id: agentId }, signal })).data,
  });
}

/** Stores a new or changed agent in the cache, and marks lists and history as stale. */
function useStoreAgent(tenantId: string) {
  const queryClient = useQueryClient();
  return async (agent: AgentRead) => {
    queryClient.setQueryData(queryKeys.agent(tenantId, agent.id), agent);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.agentLists(tenantId) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.agentRevisions(tenantId, agent.id) }),
    ]);
  };
}

export function useCreateAgent(tenantId: string) {
  const store = useStoreAgent(tenantId);
  return useMutation({
    mutationFn: async (body: AgentCreate) =>
      (await agentsCreateAgent({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async (agent) => {
      toast.success('Agent created', agent.name);
      await store(agent);
    },
  });
}

/** PATCH with only the fields that changed; every change becomes a revision. */
export function useUpdateAgent(tenantId: string, agentId: string) {
  const store = useStoreAgent(tenantId);
  return useMutation({
    mutationFn: async (body: AgentUpdate) =>
      (await agentsUpdateAgent({ path: { tenant_id: tenantId, agent_id: agentId }, body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async (agent) => {
      toast.success('Agent saved', `Version ${agent.version}`);
      await store(agent);
    },
  });
}

export function useDuplicateAgent(tenantId: string) {
  const store = useStoreAgent(tenantId);
  return useMutation({
    mutationFn: async (agent: AgentRead) =>
      (await agentsDuplicateAgent({ path: { tenant_id: tenantId, agent_id: agent.id } })).data,
    onSuccess: async (copy) => {
      toast.success('Agent duplicated', `${copy.name} is a draft.`);
      await store(copy);
    },
  });
}

export function useDeleteAgent(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (agent: AgentRead) => {
      await agentsDeleteAgent({ path: { tenant_id: tenantId, agent_id: agent.id } });
      return agent;
    },
    // The page of the deleted agent is left by the caller; its cached data simply expires.
    onSuccess: async (agent) => {
      toast.success('Agent deleted', agent.name);
      await queryClient.invalidateQueries({ queryKey: queryKeys.agentLists(tenantId) });
    },
  });
}

/** Downloads the agent as `<name>.agent.json` (the format the import takes). */
export function useExportAgent(tenantId: string) {
  return useMutation({
    mutationFn: async (agent: AgentRead) => {
      const { data } = await agentsExportAgent({
        path: { tenant_id: tenantId, agent_id: agent.id },
      });
      downloadJson(`${fileSlug(agent.name)}.agent.json`, data);
      return data;
    },
  });
}

/** Creates an agent from an export; the caller shows the problem (it names the bad fields). */
export function useImportAgent(tenantId: string) {
  const store = useStoreAgent(tenantId);
  return useMutation({
    mutationFn: async (body: AgentExport) =>
      (await agentsImportAgent({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'all' },
    onSuccess: async (agent) => {
      toast.success('Agent imported', `${agent.name} is ready to review.`);
      await store(agent);
    },
  });
}

/** One reply of the agent as saved now; the Try-it panel shows errors in the conversation. */
export function usePreviewReply(tenantId: string, agentId: string) {
  return useMutation({
    mutationFn: async (body: AgentPreviewRequest) =>
      (await agentsPreviewReply({ path: { tenant_id: tenantId, agent_id: agentId }, body })).data,
    meta: { inlineErrors: 'all' },
  });
}
