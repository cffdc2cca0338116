import {
  queryOptions,
  useMutation,
  usePrefetchQuery,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';

import { tenantsCreateTenant, tenantsListTenants, type Role, type TenantCreate } from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';

const tenantsQuery = queryOptions({
  queryKey: queryKeys.tenants,
  queryFn: async ({ signal }) => (await tenantsListTenants({ signal })).data,
});

/** The workspaces the caller belongs to, with their role in each (the workspace switcher). */
export function useTenants() {
  return useQuery(tenantsQuery);
}

/**
 * Starts loading the workspaces without waiting for anything (such as the session check) and
 * without re-rendering the caller when they arrive.
 */
export function usePrefetchTenants(): void {
  usePrefetchQuery(tenantsQuery);
}

/** The caller's role in one workspace; owners and admins may change settings. */
export function useWorkspaceRole(tenantId: string): { role: Role | null; canManage: boolean } {
  const { data } = useTenants();
  const role = data?.find((t) => t.id === tenantId)?.role ?? null;
  return { role, canManage: role === 'owner' || role === 'admin' };
}

export function useCreateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: TenantCreate) => (await tenantsCreateTenant({ body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async (tenant) => {
      toast.success('Workspace created', tenant.name);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.tenants, exact: true }),
        queryClient.invalidateQueries({ queryKey: queryKeys.session }),
      ]);
    },
  });
}
