import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  featureFlagsListFeatureFlags,
  featureFlagsResetFeatureFlag,
  featureFlagsSetFeatureFlag,
  type FeatureFlags,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';

/** Every flag with its effective value, default and whether this workspace overrides it. */
export function useFeatureFlags(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.featureFlags(tenantId),
    queryFn: async ({ signal }) =>
      (await featureFlagsListFeatureFlags({ path: { tenant_id: tenantId }, signal })).data,
  });
}

function useStoreFlags(tenantId: string) {
  const queryClient = useQueryClient();
  return (flags: FeatureFlags) => queryClient.setQueryData(queryKeys.featureFlags(tenantId), flags);
}

export function useSetFeatureFlag(tenantId: string) {
  const store = useStoreFlags(tenantId);
  return useMutation({
    mutationFn: async ({ key, enabled }: { key: string; enabled: boolean }) =>
      (
        await featureFlagsSetFeatureFlag({
          path: { tenant_id: tenantId, key },
          body: { enabled },
        })
      ).data,
    onSuccess: (flags, { key, enabled }) => {
      store(flags);
      toast.success(
        `${key} ${enabled ? 'on' : 'off'}`,
        'Overrides the default for this workspace.',
      );
    },
  });
}

export function useResetFeatureFlag(tenantId: string) {
  const store = useStoreFlags(tenantId);
  return useMutation({
    mutationFn: async (key: string) =>
      (await featureFlagsResetFeatureFlag({ path: { tenant_id: tenantId, key } })).data,
    onSuccess: (flags, key) => {
      store(flags);
      toast.success(`${key} reset`, 'The default applies again.');
    },
  });
}
