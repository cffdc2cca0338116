import { useState } from 'react';

import type { InvitationRead } from '../../client';
import { useInvitations, useRevokeInvitation } from '../../api/useInvitations';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ListSkeleton } from '../../components/Skeleton';
import { ErrorState } from '../../components/States';
import { formatRelative } from '../../lib/format';

export interface PendingInvitationListProps {
  tenantId: string;
  canManage: boolean;
}

/** Invitations nobody has accepted yet; revoking one kills its link. */
export function PendingInvitationList({ tenantId, canManage }: PendingInvitationListProps) {
  const invitations = useInvitations(tenantId);
  const revoke = useRevokeInvitation(tenantId);
  const [revoking, setRevoking] = useState<InvitationRead | null>(null);

  if (invitations.isPending) return <ListSkeleton rows={2} label="Loading invitations" />;
  if (invitations.isError) {
    return <ErrorState error={invitations.error} onRetry={() => void invitations.refetch()} />;
  }
  if (invitations.data.length === 0) {
    return <p className="text-sm text-ink-muted">No pending invitations.</p>;
  }
  return (
    <>
      <ul className="divide-y divide-surface-border">
        {invitations.data.map((invitation) => (
          <li key={invitation.id} className="flex flex-wrap items-center gap-3 py-3 text-sm">
            <span className="font-medium text-ink">{invitation.email}</span>
            <Badge tone="brand">{invitation.role}</Badge>
            <span className="text-ink-muted">expires {formatRelative(invitation.expires_at)}</span>
            {canManage ? (
              <Button
                variant="ghost"
                size="sm"
                className="ml-auto"
                onClick={() => setRevoking(invitation)}
              >
                Revoke
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke invitation?"
        message={`The link sent to ${revoking?.email ?? ''} stops working.`}
        confirmLabel="Revoke"
        busy={revoke.isPending}
        onCancel={() => setRevoking(null)}
        onConfirm={() => {
          if (revoking) revoke.mutate(revoking, { onSettled: () => setRevoking(null) });
        }}
      />
    </>
  );
}
