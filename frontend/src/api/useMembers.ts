import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  membersListMembers,
  membersRemoveMember,
  membersUpdateMember,
  type MemberRead,
  type Role,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys, type PageParams } from './keys';

export function useMembers(tenantId: string, page: PageParams) {
  return useQuery({
    queryKey: queryKeys.membersPage(tenantId, page),
    queryFn: async ({ signal }) =>
      (await membersListMembers({ path: { tenant_id: tenantId }, query: page, signal })).data,
    placeholderData: keepPreviousData,
  });
}

export function useChangeMemberRole(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ member, role }: { member: MemberRead; role: Role }) =>
      (
        await membersUpdateMember({
          path: { tenant_id: tenantId, membership_id: member.id },
          body: { role },
        })
      ).data,
    onSuccess: async (member) => {
      toast.success('Role changed', `${member.email} is now ${member.role}.`);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.members(tenantId) }),
        // The caller may have changed their own role.
        queryClient.invalidateQueries({ queryKey: queryKeys.tenants, exact: true }),
      ]);
    },
  });
}

export function useRemoveMember(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (member: MemberRead) => {
      await membersRemoveMember({ path: { tenant_id: tenantId, membership_id: member.id } });
      return member;
    },
    onSuccess: async (member) => {
      toast.success('Member removed', `${member.email} no longer has access.`);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.members(tenantId) }),
        // Someone who removed themselves has one workspace fewer.
        queryClient.invalidateQueries({ queryKey: queryKeys.tenants, exact: true }),
      ]);
    },
  });
}
