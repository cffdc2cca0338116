import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  chatAddHumanMessage,
  chatGetConversation,
  chatListConversations,
  chatResumeConversation,
  type ConversationDetail,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys, type ConversationListParams } from './keys';

/** One page of conversations, newest first; empty filters are left out of the query. */
export function useConversations(tenantId: string, params: ConversationListParams) {
  return useQuery({
    queryKey: queryKeys.conversationList(tenantId, params),
    queryFn: async ({ signal }) =>
      (
        await chatListConversations({
          path: { tenant_id: tenantId },
          query: {
            limit: params.limit,
            offset: params.offset,
            ...(params.channel ? { channel: params.channel } : {}),
            ...(params.status ? { status: params.status } : {}),
            ...(params.agent ? { agent_id: params.agent } : {}),
          },
          signal,
        })
      ).data,
    placeholderData: keepPreviousData,
  });
}

/** A conversation with all its messages. */
export function useConversation(tenantId: string, conversationId: string) {
  return useQuery({
    queryKey: queryKeys.conversation(tenantId, conversationId),
    queryFn: async ({ signal }) =>
      (
        await chatGetConversation({
          path: { tenant_id: tenantId, conversation_id: conversationId },
          signal,
        })
      ).data,
  });
}

function useRefreshConversation(tenantId: string, conversationId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({
        queryKey: queryKeys.conversation(tenantId, conversationId),
      }),
      queryClient.invalidateQueries({ queryKey: queryKeys.conversations(tenantId) }),
    ]);
}

/** A person of the workspace answers; the agent then stays quiet for its pause. */
export function useAddHumanMessage(tenantId: string, conversationId: string) {
  const refresh = useRefreshConversation(tenantId, conversationId);
  return useMutation({
    mutationFn: async (content: string) =>
      (
        await chatAddHumanMessage({
          path: { tenant_id: tenantId, conversation_id: conversationId },
          body: { content },
        })
      ).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async () => {
      toast.success('Reply sent');
      await refresh();
    },
  });
}

/** The agent answers the conversation again after a hand-off or a person's reply. */
export function useResumeConversation(tenantId: string, conversationId: string) {
  const queryClient = useQueryClient();
  const refresh = useRefreshConversation(tenantId, conversationId);
  return useMutation({
    mutationFn: async () =>
      (
        await chatResumeConversation({
          path: { tenant_id: tenantId, conversation_id: conversationId },
        })
      ).data,
    onSuccess: async (conversation) => {
      queryClient.setQueryData<ConversationDetail>(
        queryKeys.conversation(tenantId, conversationId),
        (old) => (old ? { ...old, ...conversation } : old),
      );
      toast.success('The agent answers again');
      await refresh();
    },
  });
}
