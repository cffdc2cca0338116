import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { tenantsGetTenant, tenantsUpdateTenant, type TenantUpdate } from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';

/** Workspace settings: name, slug, time zone and locale. */
export function useWorkspace(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.workspace(tenantId),
    queryFn: async ({ signal }) =>
      (await tenantsGetTenant({ path: { tenant_id: tenantId }, signal })).data,
  });
}

export function useUpdateWorkspace(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: TenantUpdate) =>
      (await tenantsUpdateTenant({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async (tenant) => {
      queryClient.setQueryData(queryKeys.workspace(tenantId), tenant);
      toast.success('Workspace saved');
      // The switcher shows the name and slug.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.tenants, exact: true }),
        queryClient.invalidateQueries({ queryKey: queryKeys.session }),
      ]);
    },
  });
}
