import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import {
  invitationsAcceptInvitation,
  invitationsLookupInvitation,
  membersCreateInvitation,
  membersListInvitations,
  membersRevokeInvitation,
  type InvitationAccept,
  type InvitationCreate,
  type InvitationRead,
} from '../client';
import { toast } from '../toasts/toastStore';
import { queryKeys } from './keys';
import { useRememberSession } from './useSession';

/** How many invitations the members page asks for; pending ones are the newest. */
const INVITATIONS_LIMIT = 200;

export function isPending(invitation: InvitationRead, now = Date.now()): boolean {
  return (
    invitation.accepted_at == null &&
    invitation.revoked_at == null &&
    new Date(invitation.expires_at).getTime() > now
  );
}

/** Invitations not yet accepted, revoked or expired. */
export function useInvitations(tenantId: string) {
  return useQuery({
    queryKey: queryKeys.invitations(tenantId),
    queryFn: async ({ signal }) =>
      (
        await membersListInvitations({
          path: { tenant_id: tenantId },
          query: { limit: INVITATIONS_LIMIT },
          signal,
        })
      ).data,
    select: (page) => page.items.filter((invitation) => isPending(invitation)),
  });
}

/** The response holds the one-time invite link; the caller shows it once. */
export function useInviteMember(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: InvitationCreate) =>
      (await membersCreateInvitation({ path: { tenant_id: tenantId }, body })).data,
    meta: { inlineErrors: 'fields' },
    onSuccess: async (invitation) => {
      toast.success('Invitation created', `Send the link to ${invitation.email}.`);
      await queryClient.invalidateQueries({ queryKey: queryKeys.invitations(tenantId) });
    },
  });
}

export function useRevokeInvitation(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (invitation: InvitationRead) => {
      await membersRevokeInvitation({
        path: { tenant_id: tenantId, invitation_id: invitation.id },
      });
      return invitation;
    },
    onSuccess: async (invitation) => {
      toast.success('Invitation revoked', `The link for ${invitation.email} no longer works.`);
      await queryClient.invalidateQueries({ queryKey: queryKeys.invitations(tenantId) });
    },
  });
}

/** What an invitation token is for (public: the invitee may not have an account yet). */
export function useInvitationPreview(token: string) {
  return useQuery({
    queryKey: queryKeys.invitationPreview(token),
    queryFn: async ({ signal }) =>
      (await invitationsLookupInvitation({ body: { token }, signal })).data,
    enabled: token.length > 0,
    meta: { inlineErrors: 'all' },
    staleTime: Infinity,
  });
}

export function useAcceptInvitation() {
  const remember = useRememberSession();
  return useMutation({
    mutationFn: async (body: InvitationAccept) =>
      (await invitationsAcceptInvitation({ body })).data,
    meta: { inlineErrors: 'all' },
    onSuccess: remember,
  });
}
