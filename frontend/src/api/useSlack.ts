import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  slackDeleteSlack,
  slackGetSlack,
  slackPutSlack,
  slackTestSlack,
  type SlackConfigure,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';

/** Where the workspace's notifications go in Slack (never the secret) and the last delivery. */
export function useSlack(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.slack(tenantId),
    queryFn: async ({ signal }) =>
      (await slackGetSlack({ path: { tenant_id: tenantId }, signal })).data,
  });
}

export function useSaveSlack(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: SlackConfigure) =>
      (await slackPutSlack({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: (status) => {
      queryClient.setQueryData(queryKeys.slack(tenantId), status);
      toast.success('Slack saved', 'Send a test message to check it.');
    },
  });
}

/** Posts a test message now and says what Slack answered. */
export function useTestSlack(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => (await slackTestSlack({ path: { tenant_id: tenantId } })).data,
    onSuccess: async (result) => {
      if (result.ok) toast.success('Test message sent', result.detail);
      else toast.error('Slack refused the test message', result.detail);
      await queryClient.invalidateQueries({ queryKey: queryKeys.slack(tenantId) });
    },
  });
}

export function useRemoveSlack(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      await slackDeleteSlack({ path: { tenant_id: tenantId } });
    },
    onSuccess: async () => {
      toast.success('Slack removed', 'Nothing is posted to Slack any more.');
      await queryClient.invalidateQueries({ queryKey: queryKeys.slack(tenantId) });
    },
  });
}
